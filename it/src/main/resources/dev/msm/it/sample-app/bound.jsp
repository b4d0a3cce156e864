<%@ page contentType="text/plain; charset=UTF-8" session="false" trimDirectiveWhitespaces="true" %>
<%-- Binds a value whose unbinding is recorded in the event log of the Tomcat where it happens. --%>
<%
    request.getSession(true).setAttribute("bound", new dev.msm.it.app.UnbindRecorder());
%>
ok
