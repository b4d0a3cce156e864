<%@ page contentType="text/plain; charset=UTF-8" session="false" trimDirectiveWhitespaces="true" %>
<%@ page import="java.lang.management.ManagementFactory, javax.management.ObjectName" %>
<%-- manager.jsp?attribute=NAME: an attribute of this application's msm manager, read from its JMX bean, e.g.
     storeAvailable or statRequestsRefusedStoreUnavailable. --%>
<%
    ObjectName name = new ObjectName("Catalina:type=Manager,host=localhost,context="
            + application.getContextPath());
%>
<%= ManagementFactory.getPlatformMBeanServer().getAttribute(name, request.getParameter("attribute")) %>
