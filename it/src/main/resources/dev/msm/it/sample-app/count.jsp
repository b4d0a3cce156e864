<%@ page contentType="text/plain; charset=UTF-8" session="false" trimDirectiveWhitespaces="true" %>
<%-- Increments the session attribute "count" (an Integer), creating the session if needed. --%>
<%
    HttpSession s = request.getSession(true);
    Integer n = (Integer) s.getAttribute("count");
    int next = n == null ? 1 : n + 1;
    s.setAttribute("count", next);
%>
count=<%= next %>
