package org.inwardportal.relay.dtls;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.bouncycastle.tls.DatagramTransport;

/**
 * Adapts BouncyCastle's blocking DTLS to Netty: the event loop {@link #offer}s each DTLS record
 * datagram of the session; BC's thread (a virtual thread) takes them in {@link #receive}. What BC
 * sends goes to {@code sender}, which writes it to the peer's address.
 */
public final class DatagramChannelTransport implements DatagramTransport {
    /** Datagrams queued for the handshake beyond this are dropped: a peer cannot fill memory. */
    static final int QUEUE = 64;
    /** RFC 8261-style conservative MTU for the handshake flights. */
    static final int MTU = 1200;

    private final BlockingQueue<byte[]> inbound = new ArrayBlockingQueue<>(QUEUE);
    private final Consumer<byte[]> sender;
    private volatile boolean closed;

    public DatagramChannelTransport(Consumer<byte[]> sender) {
        this.sender = sender;
    }

    /** From the event loop: one DTLS datagram for this session. False if the queue is full or closed. */
    public boolean offer(byte[] datagram) {
        return !closed && inbound.offer(datagram);
    }

    @Override
    public int getReceiveLimit() {
        return 1500;
    }

    @Override
    public int getSendLimit() {
        return MTU;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) throw new IOException("transport closed");
        byte[] d;
        try {
            d = inbound.poll(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
        if (d == null) return -1;
        int n = Math.min(len, d.length);
        System.arraycopy(d, 0, buf, off, n);
        return n;
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (closed) throw new IOException("transport closed");
        byte[] copy = new byte[len];
        System.arraycopy(buf, off, copy, 0, len);
        sender.accept(copy);
    }

    @Override
    public void close() {
        closed = true;
        inbound.clear();
    }
}
