package dev.msm.core;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import org.apache.catalina.util.ServerInfo;

/**
 * The cells the embedded scenarios run in: store × serializer × Tomcat version. The mode is no cell of its own:
 * every cell runs both the sticky and the non-sticky scenarios (each scenario names its mode; those that hold in
 * both, such as a restart or hostile cookies, run in both).
 *
 * <p>The full product, 4 stores × 2 serializers × 2 Tomcat versions, would take twice the suite's time (a cell takes
 * 20 to 50 s), so the cells cover every pair instead: each store with both serializers and on both Tomcats, each
 * serializer on both Tomcats, each pair at least once:
 *
 * <pre>
 *                   Tomcat 10.1   Tomcat 11
 *   memcached       java          kryo
 *   redis           kryo          java
 *   couchbase-mock  java          kryo
 *   memory          kryo          java
 * </pre>
 *
 * {@link StoreScenarios} run in every cell (memory as one store without nodes); {@link NodeScenarios}, which kill
 * single nodes, in the cells of the stores whose nodes msm addresses (memcached, memory with nodes {@code n1 n2}).
 * Each Tomcat module runs the cells of its own version; the version is read from the Tomcat on the class path.
 * Surefire's reports name a cell by its number in that version's column, top to bottom ({@code restart()[3]} on
 * Tomcat 11 is couchbase-mock with kryo); the test's output file names it in full.
 */
public final class ScenarioMatrix {

    private record Cell(String tomcat, String serializer, Function<String, StoreFixture> store) {
    }

    private static final List<Cell> STORE_CELLS = List.of(
            new Cell("10.1", "java", StoreFixture.Memcached::new),
            new Cell("11", "kryo", StoreFixture.Memcached::new),
            new Cell("10.1", "kryo", StoreFixture.Redis::new),
            new Cell("11", "java", StoreFixture.Redis::new),
            new Cell("10.1", "java", StoreFixture.Couchbase::new),
            new Cell("11", "kryo", StoreFixture.Couchbase::new),
            new Cell("10.1", "kryo", StoreFixture.Memory::new),
            new Cell("11", "java", StoreFixture.Memory::new));

    private static final List<Cell> NODE_CELLS = List.of(
            new Cell("10.1", "java", StoreFixture.Memcached::new),
            new Cell("11", "kryo", StoreFixture.Memcached::new),
            new Cell("10.1", "kryo", StoreFixture.MemoryNodes::new),
            new Cell("11", "java", StoreFixture.MemoryNodes::new));

    private ScenarioMatrix() {
    }

    /** @return the {@link StoreScenarios} cells of the Tomcat on the class path */
    public static Stream<StoreFixture> stores() {
        return onThisTomcat(STORE_CELLS);
    }

    /** @return the {@link NodeScenarios} cells of the Tomcat on the class path */
    public static Stream<StoreFixture> nodeStores() {
        return onThisTomcat(NODE_CELLS);
    }

    private static Stream<StoreFixture> onThisTomcat(List<Cell> cells) {
        String version = ServerInfo.getServerNumber();
        List<Cell> mine = cells.stream().filter(c -> version.startsWith(c.tomcat() + ".")).toList();
        if (mine.isEmpty()) {
            throw new IllegalStateException("No scenario cells for Tomcat [" + version + "]");
        }
        return mine.stream().map(c -> c.store().apply(c.serializer()));
    }
}
