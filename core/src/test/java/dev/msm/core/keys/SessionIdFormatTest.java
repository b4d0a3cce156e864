package dev.msm.core.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.msm.api.Unit;

@Unit
class SessionIdFormatTest {

    private static final String HEX = "0123456789ABCDEF0123456789ABCDEF";
    private final SessionIdFormat format = new SessionIdFormat(Set.of("n1", "n2"));

    @Test
    void parse_WellFormedIds() {
        assertEquals(new SessionId(HEX, "n1", null), format.parse(HEX + "-n1"));
        assertEquals(new SessionId(HEX, "n2", "tc.1"), format.parse(HEX + "-n2.tc.1"));
        assertEquals(HEX + "-n2", format.parse(HEX + "-n2.a").base());
        assertEquals(HEX + "-n2.b", format.parse(HEX + "-n2.a").withRoute("b").full());
    }

    @Test
    void parse_HostileOrForeignIds_AreRefused() {
        String[] bad = {null, "", "x", HEX, HEX + "-n3", HEX + "-n1 x", HEX + "-n1\r\nset", HEX + "-n1.", "-n1",
            HEX + "-", "g" + HEX.substring(1) + "-n1", HEX + "-n1.r\u00e9", HEX.repeat(10) + "-n1",
            HEX + "-n1." + "r".repeat(40), "0123456789ABCDE-n1", HEX + "-n1.a b", HEX + "-n1.a/b", "../" + HEX + "-n1"};
        for (String id : bad) {
            assertNull(format.parse(id), String.valueOf(id));
        }
    }

    @Test
    void nodelessFormat_IdsCarryNoNode() {
        SessionIdFormat nodeless = new SessionIdFormat(Set.of());
        assertEquals(new SessionId(HEX, null, "a"), nodeless.parse(HEX + ".a"));
        assertNull(nodeless.parse(HEX + "-n1"));
        assertEquals(HEX + ".a", nodeless.create(HEX + ".a", null).full());
    }

    @Test
    void create_InsertsNodeBeforeRoute() {
        assertEquals(HEX + "-n2.a", format.create(HEX + ".a", "n2").full());
        assertEquals(HEX + "-n1", format.create(HEX, "n1").full());
    }
}
