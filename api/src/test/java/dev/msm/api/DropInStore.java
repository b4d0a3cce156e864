package dev.msm.api;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A store loaded from its drop-in jar alone, as Tomcat loads it: the jar in a class loader of its own whose parent
 * holds only msm-api and JULI (Tomcat's {@code lib}), the provider found by name through {@link ServiceLoader}. The
 * store is created and used through msm-api as that parent loaded it, so by reflection; every operation waits at most
 * 10 s. Closing closes the store and both class loaders.
 */
public final class DropInStore implements AutoCloseable {

    private final URLClassLoader tomcatLib;
    private final URLClassLoader dropIn;
    private final Object provider;
    private Object store;

    private DropInStore(URLClassLoader tomcatLib, URLClassLoader dropIn, Object provider) {
        this.tomcatLib = tomcatLib;
        this.dropIn = dropIn;
        this.provider = provider;
    }

    /**
     * Loads the jar and finds its provider; asserts that the provider comes from the jar.
     *
     * @param jar  the drop-in jar
     * @param name the provider's {@code name()}, e.g. {@code redis}
     * @param juli a class of Tomcat's JULI ({@code org.apache.juli.logging.LogFactory}): its jar joins msm-api in the
     *             parent class loader
     */
    public static DropInStore load(Path jar, String name, Class<?> juli) throws Exception {
        URLClassLoader tomcatLib = new URLClassLoader("tomcat-lib",
                new URL[] {location(SessionStoreProvider.class), location(juli)}, ClassLoader.getPlatformClassLoader());
        URLClassLoader dropIn = new URLClassLoader("msm-" + name, new URL[] {jar.toUri().toURL()}, tomcatLib);
        Class<?> spi = tomcatLib.loadClass(SessionStoreProvider.class.getName());
        Object provider = null;
        for (Object candidate : ServiceLoader.load(spi, dropIn)) {
            if (name.equals(spi.getMethod("name").invoke(candidate))) {
                provider = candidate;
            }
        }
        assertNotNull(provider, "no provider named [" + name + "] found by ServiceLoader");
        assertSame(dropIn, provider.getClass().getClassLoader());
        return new DropInStore(tomcatLib, dropIn, provider);
    }

    private static URL location(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }

    /** @return the class loader of the drop-in jar */
    public ClassLoader loader() {
        return dropIn;
    }

    /** Creates the store with these attributes and operation timeout, owned by {@code /jar}. */
    public void create(Map<String, String> attributes, Duration operationTimeout) throws Exception {
        Class<?> settingsType = tomcatLib.loadClass(Settings.class.getName());
        Object settings = settingsType.getConstructor(Map.class, Duration.class, String.class)
                .newInstance(attributes, operationTimeout, "/jar");
        store = call("create", provider, new Class<?>[] {settingsType}, settings);
    }

    /** {@link SessionStore#isAvailable} */
    public boolean isAvailable(String node) throws Exception {
        return (Boolean) store("isAvailable", new Class<?>[] {String.class}, node);
    }

    /** {@link SessionStore#describe} */
    public String describe() throws Exception {
        return (String) store("describe", new Class<?>[0]);
    }

    /** {@link SessionStore#set}, waited for */
    public void set(String node, String key, byte[] value, int ttlSeconds) throws Exception {
        await(store("set", new Class<?>[] {String.class, String.class, byte[].class, int.class}, node, key, value,
                ttlSeconds));
    }

    /** {@link SessionStore#get}, waited for */
    public byte[] get(String node, String key) throws Exception {
        return (byte[]) await(store("get", new Class<?>[] {String.class, String.class}, node, key));
    }

    /** {@link SessionStore#delete}, waited for */
    public boolean delete(String node, String key) throws Exception {
        return (Boolean) await(store("delete", new Class<?>[] {String.class, String.class}, node, key));
    }

    private Object store(String method, Class<?>[] types, Object... args) throws Exception {
        assertNotNull(store, "create the store first");
        return call(method, store, types, args);
    }

    private Object call(String method, Object target, Class<?>[] types, Object... args) throws Exception {
        Class<?> type = tomcatLib.loadClass(target == provider ? SessionStoreProvider.class.getName()
                : SessionStore.class.getName());
        return type.getMethod(method, types).invoke(target, args);
    }

    private static Object await(Object future) throws Exception {
        return ((CompletableFuture<?>) future).get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        try {
            if (store != null) {
                ((AutoCloseable) store).close();
            }
        } catch (Exception e) {
            throw new IOException(e);
        } finally {
            dropIn.close();
            tomcatLib.close();
        }
    }
}
