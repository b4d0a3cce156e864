package dev.msm.couchbase;

import dev.msm.api.DropInJarContract;

/** The Couchbase store jar, as built by {@code package}, is a drop-in jar as {@link DropInJarContract} requires. */
class CouchbaseDropInSbomIT extends DropInJarContract {

    CouchbaseDropInSbomIT() {
        super("couchbase");
    }
}
