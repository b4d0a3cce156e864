package dev.msm.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.msm.core.Browser;
import dev.msm.core.EmbeddedTomcat;
import dev.msm.core.memory.MemoryStoreProvider;

/**
 * Servlet 6.1's {@link HttpSession.Accessor} (used e.g. from WebSocket endpoints, outside any request) works on the
 * session as a request would: in non-sticky mode the change is stored and visible on another Tomcat.
 */
class Tomcat11AccessorTest {

    static final AtomicReference<HttpSession.Accessor> ACCESSOR = new AtomicReference<>();

    private final String name = "accessor-" + UUID.randomUUID();
    private EmbeddedTomcat a;
    private EmbeddedTomcat b;

    /** {@code /accessor}: hands the session's accessor to the test. */
    public static final class Grab extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            ACCESSOR.set(req.getSession(true).getAccessor());
            resp.getWriter().write("ok");
        }
    }

    private EmbeddedTomcat start(String route, String sticky) throws Exception {
        EmbeddedTomcat t = new EmbeddedTomcat(MsmManager::new, route, name, Map.of("store", "memory",
                "memoryName", name, "memoryNodes", "n1 n2", "sticky", sticky, "lockingMode", "all"));
        Tomcat.addServlet(t.context(), "grab", new Grab());
        t.context().addServletMappingDecoded("/accessor", "grab");
        return t.start();
    }

    @AfterEach
    void stop() {
        for (EmbeddedTomcat t : new EmbeddedTomcat[] {a, b}) {
            if (t != null) {
                t.close();
            }
        }
        MemoryStoreProvider.clear(name);
    }

    @Test
    void accessor_NonSticky_ChangeIsStoredAndSeenOnOtherTomcat() throws Exception {
        a = start("a", "false");
        b = start("b", "false");
        Browser user = new Browser();
        assertEquals("count=1", user.body(a.url() + "/count"));
        user.body(a.url() + "/accessor");
        HttpSession.Accessor accessor = ACCESSOR.get();
        assertNotNull(accessor);
        accessor.access(s -> s.setAttribute("count", 41));
        assertEquals("count=42", user.body(b.url() + "/count"));
        user.body(b.url() + "/invalidate");
        assertThrows(IllegalStateException.class, () -> accessor.access(s -> s.setAttribute("count", 1)));
    }

    @Test
    void accessor_Sticky_ChangeIsBackedUp() throws Exception {
        a = start("a", "true");
        b = start("b", "true");
        Browser user = new Browser();
        user.body(a.url() + "/count");
        user.body(a.url() + "/accessor");
        ACCESSOR.get().access(s -> s.setAttribute("count", 9));
        dev.msm.api.Awaits.await().until(() -> a.manager().pendingBackups() == 0);
        assertEquals("count=10", user.body(b.url() + "/count"));
    }
}
