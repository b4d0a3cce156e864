package dev.msm.memcached;

/**
 * The conformance kit over the text protocol: get-and-touch as pipelined {@code get} and {@code touch}, and
 * compare-and-delete as {@code gets} plus a {@code cas} with a negative expiration.
 */
class MemcachedTextStoreTest extends MemcachedContractBase {

    @Override
    protected String protocol() {
        return "text";
    }
}
