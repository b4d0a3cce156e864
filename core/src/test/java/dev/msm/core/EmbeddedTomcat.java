package dev.msm.core;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServlet;

import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.LoginConfig;
import org.apache.tomcat.util.descriptor.web.SecurityCollection;
import org.apache.tomcat.util.descriptor.web.SecurityConstraint;

import dev.msm.api.ServerProcess;

/**
 * An embedded Tomcat on a free port of 127.0.0.1 running {@link TestApp} at {@code /app} with an msm manager
 * configured from a map of attributes (as {@code context.xml} would). Version-neutral: the Tomcat 10.1 and 11 test
 * suites run it against their own Tomcat.
 */
public final class EmbeddedTomcat implements AutoCloseable {

    private final Tomcat tomcat = new Tomcat();
    private final MsmManagerBase manager;
    private final Context context;
    private final File base;
    private int port;
    private boolean closed;

    /**
     * @param managers   creates the manager (the bridge's {@code MsmManager})
     * @param jvmRoute   the Engine's jvmRoute, or {@code null}
     * @param cluster    names the event counters of {@link TestApp}
     * @param attributes manager attributes, as in {@code context.xml}
     */
    public EmbeddedTomcat(Supplier<? extends MsmManagerBase> managers, String jvmRoute, String cluster,
            Map<String, String> attributes) {
        this(managers, jvmRoute, cluster, attributes, true);
    }

    /**
     * @param formLogin protect {@code /secure/*} with FORM login (Tomcat's authenticator then reads the session of
     *                  every request that carries a session id)
     */
    public EmbeddedTomcat(Supplier<? extends MsmManagerBase> managers, String jvmRoute, String cluster,
            Map<String, String> attributes, boolean formLogin) {
        ServerProcess.requireServersAllowed("Tomcat");
        try {
            base = Files.createTempDirectory("msm-tomcat-").toFile();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tomcat.setBaseDir(base.getAbsolutePath());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        if (jvmRoute != null) {
            tomcat.getEngine().setJvmRoute(jvmRoute);
        }
        tomcat.getEngine().setBackgroundProcessorDelay(1);
        context = tomcat.addContext("/app", base.getAbsolutePath());
        context.addParameter("cluster", cluster);
        context.addApplicationListener(TestApp.Events.class.getName());
        manager = managers.get();
        manager.setProcessExpiresFrequency(1);
        attributes.forEach((k, v) -> {
            if (!setAttribute(manager, k, v)) {
                manager.setProperty(k, v);
            }
        });
        context.setManager(manager);
        servlet("count", new TestApp.Count(), "/count");
        servlet("read", new TestApp.Read(), "/read");
        servlet("list", new TestApp.ListAdd(), "/list");
        servlet("setget", new TestApp.SetGet(), "/set", "/get");
        servlet("bound", new TestApp.Bound(), "/bound");
        servlet("invalidate", new TestApp.Invalidate(), "/invalidate");
        servlet("nosession", new TestApp.NoSession(), "/nosession", "/static/*");
        servlet("id", new TestApp.Id(), "/id");
        servlet("timeout", new TestApp.Timeout(), "/timeout");
        servlet("fail", new TestApp.Fail(), "/fail");
        servlet("closecount", new TestApp.CloseCount(), "/closecount");
        org.apache.catalina.Wrapper async = Tomcat.addServlet(context, "async", new TestApp.AsyncCount());
        async.setAsyncSupported(true);
        context.addServletMappingDecoded("/async", "async");
        servlet("login", new TestApp.Login(), "/login", "/loginerror", "/secure/*");
        if (formLogin) {
            formLogin();
        }
    }

    /**
     * Adds a second web application at {@code /app2} with its own msm manager, serving {@code /count} and
     * {@code /read}; {@code /app/cross} includes its {@code /count}. Before {@link #start()}.
     *
     * @param attributes manager attributes of the second application
     * @return its manager
     */
    public MsmManagerBase addSecondApplication(Supplier<? extends MsmManagerBase> managers,
            Map<String, String> attributes) {
        Context second = tomcat.addContext("/app2", base.getAbsolutePath());
        MsmManagerBase m = managers.get();
        attributes.forEach((k, v) -> {
            if (!setAttribute(m, k, v)) {
                m.setProperty(k, v);
            }
        });
        second.setManager(m);
        Tomcat.addServlet(second, "count", new TestApp.Count());
        second.addServletMappingDecoded("/count", "count");
        Tomcat.addServlet(second, "read", new TestApp.Read());
        second.addServletMappingDecoded("/read", "read");
        context.setCrossContext(true);
        servlet("cross", new TestApp.Cross(), "/cross");
        return m;
    }

    /** FORM login for {@code /secure/*}: user {@code alice}, password {@code secret}, role {@code user}. */
    private void formLogin() {
        tomcat.addUser("alice", "secret");
        tomcat.addRole("alice", "user");
        SecurityConstraint constraint =
                new SecurityConstraint();
        constraint.addAuthRole("user");
        SecurityCollection collection =
                new SecurityCollection();
        collection.addPatternDecoded("/secure/*");
        constraint.addCollection(collection);
        context.addConstraint(constraint);
        context.addSecurityRole("user");
        LoginConfig login = new LoginConfig();
        login.setAuthMethod("FORM");
        login.setLoginPage("/login");
        login.setErrorPage("/loginerror");
        context.setLoginConfig(login);
        context.getPipeline().addValve(new org.apache.catalina.authenticator.FormAuthenticator());
    }

    /** Sets an attribute the way Tomcat's digester does: a String setter if there is one. */
    static boolean setAttribute(Object target, String name, String value) {
        String setter = "set" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
        try {
            target.getClass().getMethod(setter, String.class).invoke(target, value);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private void servlet(String name, HttpServlet servlet, String... patterns) {
        Tomcat.addServlet(context, name, servlet);
        for (String p : patterns) {
            context.addServletMappingDecoded(p, name);
        }
    }

    /**
     * Starts Tomcat.
     *
     * @return this
     * @throws LifecycleException when the context fails to start (e.g. a bad attribute)
     */
    public EmbeddedTomcat start() throws LifecycleException {
        tomcat.start();
        port = tomcat.getConnector().getLocalPort();
        return this;
    }

    /**
     * @return whether the context is running (a bad manager attribute leaves it stopped)
     */
    public boolean contextAvailable() {
        return context.getState().isAvailable();
    }

    public int port() {
        return port;
    }

    /**
     * @return {@code http://127.0.0.1:port/app}
     */
    public String url() {
        return "http://127.0.0.1:" + port + "/app";
    }

    public MsmManagerBase manager() {
        return manager;
    }

    public Context context() {
        return context;
    }

    /** Reloads the web application (its sessions go through the store). */
    public void reload() {
        context.reload();
    }

    /** Stops Tomcat gracefully. */
    public void stop() {
        try {
            if (tomcat.getServer().getState().isAvailable()) {
                tomcat.stop();
            }
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops Tomcat and deletes its base directory; again does nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        deleteRecursively(base);
    }

    private static void deleteRecursively(File f) {
        File[] children = f.listFiles();
        if (children != null) {
            for (File c : children) {
                deleteRecursively(c);
            }
        }
        f.delete();
    }
}
