<%@ page contentType="text/plain; charset=UTF-8" session="false" trimDirectiveWhitespaces="true" %>
<%@ page import="java.util.ArrayList, java.util.List" %>
<%-- Appends to the list attribute "list" in place: setAttribute is called only when the list is created. --%>
<%
    HttpSession s = request.getSession(true);
    @SuppressWarnings("unchecked")
    List<Integer> list = (List<Integer>) s.getAttribute("list");
    if (list == null) {
        list = new ArrayList<>();
        s.setAttribute("list", list);
    }
    list.add(list.size());
%>
size=<%= list.size() %>
