<%@ page contentType="text/plain; charset=UTF-8" session="false" trimDirectiveWhitespaces="true"
    import="dev.msm.bench.app.SpyPages" %>
<%-- The sample application's count.jsp plus the spymemcached calls of load configurations G, H, I (SpyPages). --%>
<%
    HttpSession s = request.getSession(true);
    Integer n = (Integer) s.getAttribute("count");
    int next = n == null ? 1 : n + 1;
    s.setAttribute("count", next);
    SpyPages.modify(s.getId());
%>
count=<%= next %>
