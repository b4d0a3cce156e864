package dev.msm.core;

import java.io.IOException;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.catalina.Context;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

/**
 * Brackets every request of the manager's context: begins msm's work before the application runs and ends it
 * (store, unlock, release) after the application and its error pages are done, but before the response is
 * completed. It sits in the Host's pipeline, not the Context's, because error pages run after the Context's
 * pipeline returns and may use the session.
 */
final class MsmValve extends ValveBase {

    private final MsmManagerBase manager;
    private final Context context;
    private final Refusals refusals;

    MsmValve(MsmManagerBase manager, Context context) {
        super(true);
        this.manager = manager;
        this.context = context;
        this.refusals = new Refusals(manager.statistics(), manager.contextLog(), manager.clock()::nanos);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        if (request.getContext() != context) {
            getNext().invoke(request, response);
            return;
        }
        RequestState state = (RequestState) request.getNote(RequestState.NOTE);
        if (state == null) {
            state = manager.beginRequest(request);
            request.setNote(RequestState.NOTE, state);
            if (state.refused != null) {
                end(state, response); // releases what the request took before it was refused, answers 503
                return;
            }
        }
        RequestState previous = RequestState.enter(state);
        try {
            getNext().invoke(request, response);
        } finally {
            RequestState.leave(previous);
            if (request.isAsync()) {
                addAsyncListener(state, request, response);
            } else {
                end(state, response);
            }
        }
    }

    private void end(RequestState state, Response response) throws IOException {
        if (!state.end()) {
            return;
        }
        RequestState previous = RequestState.enter(state);
        try {
            manager.endRequest(state);
        } finally {
            RequestState.leave(previous);
        }
        if (state.refused != null) {
            refuse(state, response);
        }
    }

    private void refuse(RequestState state, Response response) throws IOException {
        boolean committed = response.isCommitted();
        refusals.refused(state.refused, !committed || state.refusedAtCommit);
        if (!committed) {
            response.setHeader("Retry-After", "1");
            if (response.isError()) {
                response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            } else {
                response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            }
        }
    }

    private void addAsyncListener(RequestState state, Request request, Response response) {
        if (state.asyncListenerAdded) {
            return;
        }
        state.asyncListenerAdded = true;
        request.getAsyncContextInternal().addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) throws IOException {
                end(state, response);
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                // onComplete follows
            }

            @Override
            public void onError(AsyncEvent event) {
                // onComplete follows
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                event.getAsyncContext().addListener(this);
            }

        });
    }

    /**
     * Sits in the Context's pipeline after the authenticator and marks that the request reached the application. A
     * context without a login-config still runs Tomcat's {@code NonLoginAuthenticator}, which looks up the session of
     * every request that carries a session id (to restore a cached principal); non-sticky mode does not load the
     * session for that lookup, so a request that never asks for its session costs no store operation. The principal
     * is restored when the application asks for the session.
     */
    static final class ApplicationMarker extends ValveBase {

        ApplicationMarker() {
            super(true);
        }

        @Override
        public void invoke(Request request, Response response) throws IOException, ServletException {
            RequestState state = (RequestState) request.getNote(RequestState.NOTE);
            if (state != null) {
                state.inApplication = true;
            }
            getNext().invoke(request, response);
        }
    }
}
