package dev.msm.core;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;

/**
 * The web application the scenario tests run: servlets that count, read, mutate in place, invalidate and ignore the
 * session, and a listener that counts session events per cluster (the {@code cluster} context parameter).
 */
public final class TestApp {

    /** Session events per cluster name: created, destroyed, unbound. */
    public static final Map<String, AtomicInteger> EVENTS = new ConcurrentHashMap<>();

    private TestApp() {
    }

    public static int events(String cluster, String kind) {
        AtomicInteger n = EVENTS.get(cluster + ":" + kind);
        return n == null ? 0 : n.get();
    }

    static void event(String cluster, String kind) {
        EVENTS.computeIfAbsent(cluster + ":" + kind, k -> new AtomicInteger()).incrementAndGet();
    }

    private static void text(HttpServletResponse resp, String body) throws IOException {
        resp.setContentType("text/plain");
        resp.getWriter().write(body);
    }

    /** Increments the session's {@code count} attribute. */
    private static int increment(HttpSession session) {
        Integer n = (Integer) session.getAttribute("count");
        int next = n == null ? 1 : n + 1;
        session.setAttribute("count", next);
        return next;
    }

    /**
     * {@code /cross}: increments {@code count} in this application's session, then includes {@code /count} of the
     * application at {@code /app2} (cross-context dispatch: one request, two managers on one thread).
     */
    public static final class Cross extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp)
                throws IOException, jakarta.servlet.ServletException {
            int mine = increment(req.getSession(true));
            getServletContext().getContext("/app2").getRequestDispatcher("/count").include(req, resp);
            resp.getWriter().write(" app=" + mine);
        }
    }

    /** {@code /count}: increments the {@code count} attribute, creating the session if needed. */
    public static final class Count extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            text(resp, "count=" + increment(req.getSession(true)));
        }
    }

    /** The {@code /closecount} requests that answered and still run, by the count they answered. */
    private static final Map<Integer, CountDownLatch> CLOSE_COUNT_ENDS = new ConcurrentHashMap<>();

    /** Lets the {@code /closecount} request that answered {@code count=n} end (now, or as soon as it waits). */
    public static void endCloseCount(int n) {
        CLOSE_COUNT_ENDS.computeIfAbsent(n, k -> new CountDownLatch(1)).countDown();
    }

    /** Forgets the ends of earlier {@code /closecount} runs. */
    public static void resetCloseCounts() {
        CLOSE_COUNT_ENDS.clear();
    }

    /**
     * {@code /closecount}: increments {@code count}, closes the response (the client has it all), then keeps running,
     * as an application doing work after responding would, until the test lets it end (at most 10 s).
     */
    public static final class CloseCount extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            int n = increment(req.getSession(true));
            text(resp, "count=" + n);
            resp.getWriter().close();
            CountDownLatch end = CLOSE_COUNT_ENDS.computeIfAbsent(n, k -> new CountDownLatch(1));
            try {
                if (!end.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("/closecount answering count=" + n + " was never told to end");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                CLOSE_COUNT_ENDS.remove(n, end);
            }
        }
    }

    /** {@code /read}: reads {@code count} without changing anything; {@code none} without a session. */
    public static final class Read extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession session = req.getSession(false);
            text(resp, session == null ? "none" : "count=" + session.getAttribute("count"));
        }
    }

    /** {@code /list}: appends to a list attribute in place, without calling setAttribute again. */
    public static final class ListAdd extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        @SuppressWarnings("unchecked")
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession session = req.getSession(true);
            List<Integer> list = (List<Integer>) session.getAttribute("list");
            if (list == null) {
                list = new ArrayList<>();
                session.setAttribute("list", list);
            }
            list.add(list.size());
            text(resp, "size=" + list.size());
        }
    }

    /** {@code /set?name=&value=}: sets a string attribute; {@code /get?name=} reads it. */
    public static final class SetGet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String name = req.getParameter("name");
            if (req.getServletPath().equals("/set")) {
                req.getSession(true).setAttribute(name, req.getParameter("value"));
                text(resp, "ok");
            } else {
                HttpSession session = req.getSession(false);
                text(resp, session == null ? "none" : String.valueOf(session.getAttribute(name)));
            }
        }
    }

    /** {@code /bound}: binds a value that counts its unbinding. */
    public static final class Bound extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            req.getSession(true).setAttribute("bound", new Unbound(req.getServletContext().getInitParameter(
                    "cluster")));
            text(resp, "ok");
        }
    }

    /** {@code /invalidate}. */
    public static final class Invalidate extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession session = req.getSession(false);
            if (session != null) {
                session.invalidate();
            }
            text(resp, "ok");
        }
    }

    /** {@code /nosession} and {@code /static/*}: never touch the session. */
    public static final class NoSession extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            text(resp, "ok");
        }
    }

    /** {@code /id}: the session id, or {@code none}. */
    public static final class Id extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession session = req.getSession(false);
            text(resp, session == null ? "none" : session.getId());
        }
    }

    /** {@code /timeout?s=}: sets the session timeout. */
    public static final class Timeout extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            req.getSession(true).setMaxInactiveInterval(Integer.parseInt(req.getParameter("s")));
            text(resp, "ok");
        }
    }

    /** {@code /fail}: touches the session, then throws. */
    public static final class Fail extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            req.getSession(true).setAttribute("failed", Boolean.TRUE);
            throw new IllegalStateException("application failure (expected by the test)");
        }
    }

    /** Completes the async requests of {@link AsyncCount}, on demand. */
    public static final java.util.concurrent.BlockingQueue<jakarta.servlet.AsyncContext> PENDING =
            new java.util.concurrent.LinkedBlockingQueue<>();

    /** {@code /async}: increments {@code count}, then goes async; the test completes it via {@link #PENDING}. */
    public static final class AsyncCount extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession session = req.getSession(true);
            Integer n = (Integer) session.getAttribute("count");
            session.setAttribute("count", n == null ? 1 : n + 1);
            jakarta.servlet.AsyncContext async = req.startAsync();
            async.setTimeout(60_000);
            PENDING.add(async);
        }
    }

    /** {@code /login}, {@code /loginerror} and {@code /secure/hello} for FORM authentication. */
    public static final class Login extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String path = req.getServletPath();
            if (path.equals("/login")) {
                text(resp, "login-form");
            } else if (path.equals("/loginerror")) {
                text(resp, "login-error");
            } else {
                text(resp, "hello " + req.getRemoteUser());
            }
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            doGet(req, resp);
        }
    }

    /** Counts unbinding per cluster. */
    public static final class Unbound implements HttpSessionBindingListener, Serializable {
        private static final long serialVersionUID = 1L;
        private final String cluster;

        public Unbound(String cluster) {
            this.cluster = cluster;
        }

        @Override
        public void valueUnbound(HttpSessionBindingEvent event) {
            event("" + cluster, "unbound");
        }
    }

    /** Counts session creation and destruction per cluster. */
    public static final class Events implements HttpSessionListener {
        @Override
        public void sessionCreated(HttpSessionEvent se) {
            event(se.getSession().getServletContext().getInitParameter("cluster"), "created");
        }

        @Override
        public void sessionDestroyed(HttpSessionEvent se) {
            String cluster = se.getSession().getServletContext().getInitParameter("cluster");
            event(cluster, "destroyed");
            event(cluster, "destroyed " + se.getSession().getId());
        }
    }
}
