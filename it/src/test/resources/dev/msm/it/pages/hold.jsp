<%@ page contentType="text/plain; charset=UTF-8" session="false" trimDirectiveWhitespaces="true" %>
<%@ page import="java.util.concurrent.ConcurrentHashMap, java.util.concurrent.CountDownLatch,
                 java.util.concurrent.TimeUnit" %>
<%-- A request that keeps its session in use until the test lets it go (the trust scenarios add this page):
     hold.jsp[?change=true]        reads "count" (increments it with change=true) and answers count=N
     hold.jsp?key=K[&change=true]  the same, but first waits until released (at most 60 s)
     hold.jsp?held=K               "true" while a request waits under key K
     hold.jsp?release=K            lets it go: "released", or "none" when nothing waits under K --%>
<%!
    private static final ConcurrentHashMap<String, CountDownLatch> HELD = new ConcurrentHashMap<>();
%>
<%
    String release = request.getParameter("release");
    String held = request.getParameter("held");
    if (release != null) {
        CountDownLatch latch = HELD.remove(release);
        if (latch != null) {
            latch.countDown();
        }
        out.print(latch == null ? "none" : "released");
        return;
    }
    if (held != null) {
        out.print(HELD.containsKey(held));
        return;
    }
    HttpSession s = request.getSession(false);
    Integer n = s == null ? null : (Integer) s.getAttribute("count");
    if (s != null && "true".equals(request.getParameter("change"))) {
        n = n == null ? 1 : n + 1;
        s.setAttribute("count", n);
    }
    String key = request.getParameter("key");
    if (key != null) {
        CountDownLatch latch = new CountDownLatch(1);
        HELD.put(key, latch);
        if (!latch.await(60, TimeUnit.SECONDS)) {
            HELD.remove(key);
            response.setStatus(504);
        }
    }
    out.print(s == null ? "none" : "count=" + n);
%>
