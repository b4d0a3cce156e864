<%@ page contentType="text/plain; charset=UTF-8" session="false" trimDirectiveWhitespaces="true" %>
<%-- Adds an item to the session's shop.Cart, a class of the application that changes from build to build (the
     rolling-deploy scenarios compile each build into WEB-INF/classes), and answers the cart as that build sees it,
     e.g. "v2 items=3 coupons=1". --%>
<%
    HttpSession s = request.getSession(true);
    shop.Cart cart = (shop.Cart) s.getAttribute("cart");
    if (cart == null) {
        cart = new shop.Cart();
    }
    cart.add();
    s.setAttribute("cart", cart);
%>
<%= cart.describe() %>
