<%@ page contentType="text/plain; charset=UTF-8" session="false" trimDirectiveWhitespaces="true"
    import="dev.msm.bench.app.SpyPages" %>
<%-- The sample application's read.jsp plus the spymemcached calls of load configurations G, H, I (SpyPages). --%>
<%
    HttpSession s = request.getSession(false);
    SpyPages.read(s == null ? null : s.getId());
%>
<%= s == null ? "none" : "count=" + s.getAttribute("count") %>
