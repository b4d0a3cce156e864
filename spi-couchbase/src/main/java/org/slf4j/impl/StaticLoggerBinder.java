package org.slf4j.impl;

import org.slf4j.ILoggerFactory;
import org.slf4j.spi.LoggerFactoryBinder;

/**
 * Binds the SLF4J 1.7 API that the Couchbase SDK logs through to Tomcat's JULI, so that SDK messages land in Tomcat's
 * logging configuration under their own names ({@code com.couchbase.*}). In the drop-in jar SLF4J is relocated
 * together with this class, so neither clashes with an SLF4J that Tomcat or a web application has.
 *
 * <p>The SDK's INFO messages (its configuration dump at start, buckets opened) are logged at DEBUG: msm logs its own
 * line at start. WARN and ERROR stay as they are.
 */
public final class StaticLoggerBinder implements LoggerFactoryBinder {

    /** The SLF4J API version this binding is written for; read by SLF4J, not final on purpose. */
    public static String REQUESTED_API_VERSION = "1.6.99";

    private static final StaticLoggerBinder SINGLETON = new StaticLoggerBinder();

    private final ILoggerFactory factory = JuliLoggerAdapter::new;

    private StaticLoggerBinder() {
    }

    /**
     * @return the binder SLF4J uses
     */
    public static StaticLoggerBinder getSingleton() {
        return SINGLETON;
    }

    /**
     * @return a factory of loggers writing to JULI
     */
    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    /**
     * @return the name of the factory class, for SLF4J's diagnostics
     */
    @Override
    public String getLoggerFactoryClassStr() {
        return JuliLoggerAdapter.class.getName();
    }
}
