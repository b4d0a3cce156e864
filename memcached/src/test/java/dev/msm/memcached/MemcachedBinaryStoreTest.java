package dev.msm.memcached;

/**
 * The conformance kit over the binary protocol (the default).
 */
class MemcachedBinaryStoreTest extends MemcachedContractBase {

    @Override
    protected String protocol() {
        return "binary";
    }
}
