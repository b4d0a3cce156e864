<%@ page contentType="text/plain; charset=UTF-8" session="false" trimDirectiveWhitespaces="true" %>
<%@ page import="java.lang.management.ManagementFactory, javax.management.ObjectName" %>
<%-- The store nodes this application's msm manager sees as available, read from its JMX bean. --%>
<%
    ObjectName name = new ObjectName("Catalina:type=Manager,host=localhost,context="
            + application.getContextPath());
%>
nodes=<%= ManagementFactory.getPlatformMBeanServer().getAttribute(name, "availableNodes") %>
