package dev.msm.core;

import java.io.IOException;
import java.util.function.Supplier;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.catalina.Context;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * First filter of the application's chain: turns a {@link SessionUnavailableException} thrown from
 * {@code getSession()} (also when the application or a framework wrapped it) into the 503 msm answers, before
 * Tomcat's {@code StandardWrapperValve} would log it as SEVERE with a stack trace, once per refused request. The
 * 503 goes through {@code sendError}, so the application's error page for 503 applies; {@link MsmValve} adds
 * {@code Retry-After}, counts and logs the refusal.
 */
final class RefusalFilter implements Filter {

    static final String NAME = "msmRefusalFilter";

    /** The manager's request running on this thread. */
    private final Supplier<RequestState> current;

    private RefusalFilter(Supplier<RequestState> current) {
        this.current = current;
    }

    /**
     * Adds the filter to {@code context}, ahead of every filter already mapped (those of {@code web.xml} and of
     * initializers, which run before the manager starts).
     *
     * @return removes it again
     */
    static Runnable install(Context context, Supplier<RequestState> current) {
        FilterDef def = new FilterDef();
        def.setFilterName(NAME);
        def.setFilterClass(RefusalFilter.class.getName());
        def.setFilter(new RefusalFilter(current));
        def.setAsyncSupported("true");
        context.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName(NAME);
        map.addURLPattern("/*");
        for (DispatcherType type : DispatcherType.values()) {
            map.setDispatcher(type.name());
        }
        FilterMap[] existing = context.findFilterMaps();
        for (FilterMap m : existing) {
            context.removeFilterMap(m);
        }
        context.addFilterMapBefore(map);
        for (FilterMap m : existing) {
            context.addFilterMap(m);
        }
        return () -> {
            context.removeFilterMap(map);
            context.removeFilterDef(def);
        };
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        try {
            chain.doFilter(request, response);
        } catch (RuntimeException | IOException | ServletException e) {
            SessionUnavailableException refused = find(e);
            if (refused == null) {
                throw e;
            }
            RequestState state = current.get();
            if (state != null && state.refused == null) {
                state.refused = refused;
            }
            if (!response.isCommitted() && response instanceof HttpServletResponse http) {
                http.setHeader("Retry-After", "1");
                http.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            }
        }
    }

    private static SessionUnavailableException find(Throwable e) {
        Throwable t = e;
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
            if (t instanceof SessionUnavailableException s) {
                return s;
            }
        }
        return null;
    }
}
