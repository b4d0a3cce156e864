package dev.msm.it;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.msm.api.Http;

/**
 * One user: keeps the {@code JSESSIONID} cookie of each web application (by context path, as a browser does for
 * {@code Path=/ctx} cookies) and sends it to whichever Tomcat it talks to, as a browser behind a load balancer would.
 * Thread-safe; users that share a session (concurrent clients) each get their own instance with the same id.
 */
public final class Browser {

    private final Map<String, String> sessionIds = new ConcurrentHashMap<>();
    private volatile String lastContext = "/";

    /**
     * @param url an absolute URL
     * @return the response; a {@code JSESSIONID} cookie it sets is kept
     * @throws java.io.UncheckedIOException when the Tomcat cannot be reached or the connection breaks
     */
    public Http.Response get(String url) {
        String context = context(url);
        Http.Response r = Http.get(url, cookie(context));
        keep(context, r);
        return r;
    }

    /**
     * @param url  an absolute URL
     * @param form the URL-encoded form
     * @return the response (redirects are not followed)
     */
    public Http.Response post(String url, String form) {
        String context = context(url);
        Http.Response r = Http.post(url, cookie(context), form);
        keep(context, r);
        return r;
    }

    /**
     * @param url an absolute URL
     * @return the body, trimmed
     * @throws AssertionError when the status is not 200
     */
    public String body(String url) {
        Http.Response r = get(url);
        if (r.status() != 200) {
            throw new AssertionError("GET " + url + " with session [" + sessionIds.get(context(url)) + "] answered "
                    + r.status() + ": " + summary(r.body()));
        }
        return r.body().trim();
    }

    /**
     * @return the session id of the web application this user talked to last, or {@code null}
     */
    public String sessionId() {
        return sessionIds.get(lastContext);
    }

    /**
     * @param contextPath e.g. {@code /sticky}
     * @return the session id this user has for that web application, or {@code null}
     */
    public String sessionId(String contextPath) {
        return sessionIds.get(contextPath);
    }

    /**
     * Sets the session cookie this user sends to a web application.
     *
     * @param contextPath e.g. {@code /nonsticky}
     * @param id          the session id
     */
    public void setSessionId(String contextPath, String id) {
        sessionIds.put(contextPath, id);
        lastContext = contextPath;
    }

    /** An error page's text without markup, cut to 300 characters (the Exception Report's message comes first). */
    private static String summary(String body) {
        String text = body.replaceAll("<style[^<]*</style>", "").replaceAll("<[^>]*>", " ")
                .replaceAll("\\s+", " ").trim();
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private String cookie(String context) {
        String id = sessionIds.get(context);
        return id == null ? null : "JSESSIONID=" + id;
    }

    private void keep(String context, Http.Response r) {
        lastContext = context;
        String id = r.sessionCookie();
        if (id != null) {
            sessionIds.put(context, id);
        }
    }

    private static String context(String url) {
        String path = URI.create(url).getRawPath();
        int second = path.indexOf('/', 1);
        return second < 0 ? path : path.substring(0, second);
    }
}
