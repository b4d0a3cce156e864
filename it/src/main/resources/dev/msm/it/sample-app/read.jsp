<%@ page contentType="text/plain; charset=UTF-8" session="false" trimDirectiveWhitespaces="true" %>
<%-- Reads "count" without changing anything; "none" without a session. --%>
<%
    HttpSession s = request.getSession(false);
%>
<%= s == null ? "none" : "count=" + s.getAttribute("count") %>
