<%@ page contentType="text/plain; charset=UTF-8" session="false" trimDirectiveWhitespaces="true" %>
<%-- timeout.jsp?s=SECONDS sets the session's timeout, creating the session if needed. --%>
<%
    request.getSession(true).setMaxInactiveInterval(Integer.parseInt(request.getParameter("s")));
%>
ok
