package dev.gatekeeper.sandbox;

import dev.gatekeeper.callout.ScriptedPeer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Every {@link PeerMta} running at once, on one port, each on its own loopback address. */
public final class PeerMtas implements AutoCloseable {
    private final Map<PeerMta, ScriptedPeer> peers;
    private final int port;

    private PeerMtas(Map<PeerMta, ScriptedPeer> peers, int port) {
        this.peers = Collections.unmodifiableMap(peers);
        this.port = port;
    }

    /**
     * Starts all peers on one port: {@link PeerMta#SMTP_PORT} for the launcher (James's remote
     * delivery knows no other), 0 for a free port chosen on the first peer and shared by the rest.
     */
    public static PeerMtas start(int port) throws IOException {
        Map<PeerMta, ScriptedPeer> started = new EnumMap<>(PeerMta.class);
        int shared = port;
        try {
            for (PeerMta peer : PeerMta.values()) {
                ScriptedPeer running;
                try {
                    running = peer.start(shared);
                } catch (IOException e) {
                    throw new IOException("cannot start the " + peer + " peer on " + peer.address() + ":" + shared
                        + ": " + e.getMessage() + (shared != 0 && shared < 1024 ? "; ports below 1024 need root" : ""), e);
                }
                started.put(peer, running);
                shared = running.port();
            }
        } catch (IOException | RuntimeException e) {
            started.values().forEach(ScriptedPeer::close);
            throw e;
        }
        return new PeerMtas(started, shared);
    }

    public int port() {
        return port;
    }

    public ScriptedPeer peer(PeerMta which) {
        return peers.get(which);
    }

    /** Commands a peer received so far. */
    public List<String> commands(PeerMta which) {
        return peers.get(which).commands();
    }

    @Override
    public void close() {
        List<ScriptedPeer> all = new ArrayList<>(peers.values());
        all.forEach(ScriptedPeer::close);
    }
}
