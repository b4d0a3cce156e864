package dev.msm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.msm.api.Attribute;
import dev.msm.api.Unit;

/**
 * Issue 16: every declared attribute has a public setter, so Java configuration (Spring Boot) needs no setProperty;
 * issue 13: and a getter of the same name, except for secrets.
 */
@Unit
class AttributeSettersTest {

    private static final Set<String> SECRETS = Set.of("password", "encryptionKeys", "integrityKeys",
            "storageKeySecret");

    @Test
    void everyDeclaredAttribute_HasAPublicSetterAndGetter_SecretsSetOnly() throws Exception {
        int checked = 0;
        for (List<Attribute> table : ReadmeAttributesTest.tables().values()) {
            for (Attribute a : table) {
                String name = a.name();
                assertTrue(ReadmeExamplesTest.hasSetter(name), "no setter for [" + name + "]");
                String getter = "get" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
                if (SECRETS.contains(name)) {
                    assertThrows(NoSuchMethodException.class, () -> MsmManagerBase.class.getMethod(getter), getter);
                } else {
                    assertEquals(String.class, MsmManagerBase.class.getMethod(getter).getReturnType(), getter);
                }
                checked++;
            }
        }
        assertTrue(checked > 50, "attributes checked: " + checked);
    }
}
