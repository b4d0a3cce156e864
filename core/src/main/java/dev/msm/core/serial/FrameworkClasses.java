package dev.msm.core.serial;

import java.util.List;

/**
 * The classes that frameworks keep in HTTP sessions on their own, curated per framework and each one tested with the
 * framework itself (the Spring Boot 3 and 4 tests in {@code boot3}/{@code boot4} and Tomcat's own tests in
 * {@code core}): readable without the user listing them in {@code allowedClasses}.
 *
 * <p>Only exact class names (and their nested classes) are listed, never a package: a framework package also holds
 * classes that are deserialization gadgets (Spring's {@code ObjectFactory} proxies, AOP proxies, ...), and those stay
 * refused. A name only matters when its framework is on the application's class path: a class that cannot be loaded
 * is never instantiated, so each list is active exactly where its framework is.
 *
 * <p>Adding a class: it must be a plain data holder (no {@code readObject} or {@code readResolve} that calls
 * application code, no field of an interface type that could hold an arbitrary object whose methods run while the
 * session is read), and a test must show the framework storing it.
 */
final class FrameworkClasses {

    /** Tomcat: form login, CSRF prevention filter. */
    static final List<String> TOMCAT = List.of(
            "org.apache.catalina.realm.GenericPrincipal",
            "org.apache.catalina.authenticator.SavedRequest",
            "org.apache.tomcat.util.buf.ByteChunk",
            "org.apache.tomcat.util.buf.AbstractChunk",
            "jakarta.servlet.http.Cookie",
            // CsrfPreventionFilter's nonce cache and its LinkedHashMap subclass (LruCache$1)
            "org.apache.catalina.filters.CsrfPreventionFilter$LruCache");

    /** Spring Security 6.x (Boot 3) and 7.x (Boot 4): security context, form login, CSRF, saved requests. */
    static final List<String> SPRING_SECURITY = List.of(
            "org.springframework.security.core.context.SecurityContextImpl",
            "org.springframework.security.authentication.AbstractAuthenticationToken",
            "org.springframework.security.authentication.UsernamePasswordAuthenticationToken",
            "org.springframework.security.core.authority.SimpleGrantedAuthority",
            "org.springframework.security.core.authority.FactorGrantedAuthority",
            "org.springframework.security.core.userdetails.User",
            "org.springframework.security.web.authentication.WebAuthenticationDetails",
            "org.springframework.security.web.csrf.DefaultCsrfToken",
            "org.springframework.security.web.savedrequest.DefaultSavedRequest",
            "org.springframework.security.web.savedrequest.SavedCookie");

    /** Spring MVC 6.x/7.x: flash attributes. */
    static final List<String> SPRING_MVC = List.of(
            "org.springframework.web.servlet.FlashMap",
            "org.springframework.util.LinkedMultiValueMap",
            "org.springframework.util.MultiValueMapAdapter");

    /** Every list. */
    static final List<List<String>> ALL = List.of(TOMCAT, SPRING_SECURITY, SPRING_MVC);

    private FrameworkClasses() {
    }
}
