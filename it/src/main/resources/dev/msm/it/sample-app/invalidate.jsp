<%@ page contentType="text/plain; charset=UTF-8" session="false" trimDirectiveWhitespaces="true" %>
<%
    HttpSession s = request.getSession(false);
    if (s != null) {
        s.invalidate();
    }
%>
ok
