<%@ page contentType="text/plain; charset=UTF-8" session="false" trimDirectiveWhitespaces="true" %>
<%-- longcount.jsp?ms=N: a long request. Takes the session (and so its lock), works for N ms, then increments "count". --%>
<%
    HttpSession s = request.getSession(true);
    Integer n = (Integer) s.getAttribute("count");
    Thread.sleep(Long.parseLong(request.getParameter("ms")));
    int next = n == null ? 1 : n + 1;
    s.setAttribute("count", next);
%>
count=<%= next %>
