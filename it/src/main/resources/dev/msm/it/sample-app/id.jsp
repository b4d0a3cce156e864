<%@ page contentType="text/plain; charset=UTF-8" session="false" trimDirectiveWhitespaces="true" %>
<%
    HttpSession s = request.getSession(false);
%>
<%= s == null ? "none" : s.getId() %>
