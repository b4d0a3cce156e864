package org.slf4j.impl;

import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;

/**
 * Gives SLF4J's MDC a no-op adapter: JULI has no diagnostic context, and without a binder SLF4J prints a warning.
 */
public final class StaticMDCBinder {

    /** The binder SLF4J uses. */
    public static final StaticMDCBinder SINGLETON = new StaticMDCBinder();

    private StaticMDCBinder() {
    }

    /**
     * @return the binder SLF4J uses
     */
    public static StaticMDCBinder getSingleton() {
        return SINGLETON;
    }

    /**
     * @return an adapter that keeps nothing
     */
    public MDCAdapter getMDCA() {
        return new NOPMDCAdapter();
    }

    /**
     * @return the name of the adapter class, for SLF4J's diagnostics
     */
    public String getMDCAdapterClassStr() {
        return NOPMDCAdapter.class.getName();
    }
}
