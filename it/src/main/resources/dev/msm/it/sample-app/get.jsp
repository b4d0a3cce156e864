<%@ page contentType="text/plain; charset=UTF-8" session="false" trimDirectiveWhitespaces="true" %>
<%-- get.jsp?name=N: the attribute's value; "none" without a session. --%>
<%
    HttpSession s = request.getSession(false);
%>
<%= s == null ? "none" : String.valueOf(s.getAttribute(request.getParameter("name"))) %>
