package dev.msm.core;

import java.util.Map;

import org.apache.catalina.Session;

import dev.msm.core.keys.SessionId;

/** The {@link ModeContext} of a {@link MsmManagerBase}: the few things of the manager a mode may use. */
final class ManagerModeContext implements ModeContext {

    private final MsmManagerBase manager;

    ManagerModeContext(MsmManagerBase manager) {
        this.manager = manager;
    }

    @Override
    public Map<String, Session> sessions() {
        return manager.sessionMap();
    }

    @Override
    public Session[] findSessions() {
        return manager.findSessions();
    }

    @Override
    public void changeSessionId(Session session, String newId) {
        manager.changeSessionId(session, newId);
    }

    @Override
    public MsmSession newEmptySession() {
        return (MsmSession) manager.createEmptySession();
    }

    @Override
    public int defaultMaxInactive() {
        return manager.defaultMaxInactive();
    }

    @Override
    public boolean withoutLogin() {
        return manager.withoutLogin();
    }

    @Override
    public String jvmRoute() {
        String route = manager.getJvmRoute();
        return route == null || route.isEmpty() ? null : route;
    }

    @Override
    public SessionId parseId(String id) {
        return manager.parseId(id);
    }

    @Override
    public RequestState currentRequest() {
        return manager.currentRequest();
    }

    @Override
    public StoreProblems problems() {
        return manager.problems();
    }

    @Override
    public EngineClock clock() {
        return manager.clock();
    }
}
