<%@ page contentType="text/plain; charset=UTF-8" session="false" trimDirectiveWhitespaces="true" %>
<%-- set.jsp?name=N&value=V sets a String attribute, creating the session if needed. --%>
<%
    request.getSession(true).setAttribute(request.getParameter("name"), request.getParameter("value"));
%>
ok
