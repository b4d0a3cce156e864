package dev.msm.tomcat;

import dev.msm.core.MsmManagerBase;

/**
 * msm's session manager for Tomcat 10.1. Configure it in {@code context.xml}:
 *
 * <pre>{@code
 * <Manager className="dev.msm.tomcat.MsmManager" memcachedNodes="n1:host1:11211 n2:host2:11211"/>
 * }</pre>
 *
 * The same element works on Tomcat 11 with {@code msm-tomcat11}. Every attribute is documented on the setters of
 * {@link MsmManagerBase} and in the README. Tomcat 10.1 needs nothing beyond the shared engine.
 */
public class MsmManager extends MsmManagerBase {
}
