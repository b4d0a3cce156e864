package dev.msm.api;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What the conformance kit may do to the server behind a node: kill it (SIGKILL) and start it again on the same
 * address, pause it (SIGSTOP: its connections stay open, nothing is answered) and resume it (SIGCONT). A store's
 * fixture says which of these its servers can suffer; the kit skips the scenarios that need another. Node ids are
 * the store's, {@code null} for a store without explicit nodes.
 */
public final class NodeFaults {

    /** A fixture that can do nothing to its server: the outage and hang scenarios are skipped. */
    public static final NodeFaults NONE = new NodeFaults(null, null, null, null);

    private final Consumer<String> kill;
    private final Consumer<String> restart;
    private final Consumer<String> pause;
    private final Consumer<String> resume;

    private NodeFaults(Consumer<String> kill, Consumer<String> restart, Consumer<String> pause,
            Consumer<String> resume) {
        this.kill = kill;
        this.restart = restart;
        this.pause = pause;
        this.resume = resume;
    }

    /**
     * @param serverOf the real server behind a node
     * @return every fault: the server process is killed, restarted, paused and resumed
     */
    public static NodeFaults ofServers(Function<String, ServerProcess> serverOf) {
        return new NodeFaults(node -> serverOf.apply(node).kill(), node -> serverOf.apply(node).start(),
                node -> serverOf.apply(node).pause(), node -> serverOf.apply(node).resume());
    }

    /**
     * @param kill    stops the server behind a node at once
     * @param restart starts it again on the same address
     * @return kill and restart only; the hang scenarios are skipped
     */
    public static NodeFaults killAndRestart(Consumer<String> kill, Consumer<String> restart) {
        return new NodeFaults(kill, restart, null, null);
    }

    /** @return whether {@link #kill} and {@link #restart} can stop and start the server behind a node */
    public boolean canKill() {
        return kill != null;
    }

    /** Kills the server behind a node. */
    public void kill(String node) {
        required(kill, "kill").accept(node);
    }

    /** Starts the server behind a node again, on the same address. */
    public void restart(String node) {
        required(restart, "restart").accept(node);
    }

    /** @return whether {@link #pause} and {@link #resume} can pause the server behind a node */
    public boolean canPause() {
        return pause != null;
    }

    /** Pauses the server behind a node: its connections stay open, nothing is answered. */
    public void pause(String node) {
        required(pause, "pause").accept(node);
    }

    /** Resumes the server behind a node. */
    public void resume(String node) {
        required(resume, "resume").accept(node);
    }

    private static Consumer<String> required(Consumer<String> fault, String name) {
        if (fault == null) {
            throw new UnsupportedOperationException("this fixture cannot " + name + " its server");
        }
        return fault;
    }
}
