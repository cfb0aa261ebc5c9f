package dev.gatekeeper.reputation;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** A list that listed one subject: the name asked, the A records it answered and its TXT text, if fetched. Immutable. */
public final class ListHit {

    private final DnsList list;
    private final DnsList.Subject subject;
    private final String queryName;
    private final List<InetAddress> replies;
    private final List<String> texts;

    ListHit(DnsList list, DnsList.Subject subject, String queryName, List<InetAddress> replies, List<String> texts) {
        this.list = list;
        this.subject = subject;
        this.queryName = queryName;
        this.replies = List.copyOf(replies);
        this.texts = List.copyOf(texts);
    }

    ListHit withTexts(List<String> value) {
        return new ListHit(list, subject, queryName, replies, value);
    }

    public DnsList list() {
        return list;
    }

    public DnsList.Subject subject() {
        return subject;
    }

    /** The name queried: {@code 2.0.0.127.zen.example}. */
    public String queryName() {
        return queryName;
    }

    /** Every A record of the answer (those that passed the filter and any others). */
    public List<InetAddress> replies() {
        return replies;
    }

    /**
     * The TXT strings at the same name (a list's reason, often with a URL), each record's strings
     * joined; empty when not fetched, absent, or not answered within the bound. Text from the
     * list: strip control characters before putting it into a reply or header.
     */
    public List<String> texts() {
        return texts;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ListHit)) {
            return false;
        }
        ListHit h = (ListHit) o;
        return list.equals(h.list) && subject == h.subject && queryName.equals(h.queryName) && replies.equals(h.replies)
                && texts.equals(h.texts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(list.name(), subject, queryName, replies);
    }

    /** {@code zen[client-address]=127.0.0.2,127.0.0.4}. */
    @Override
    public String toString() {
        return list.name() + "[" + subject.label() + "]="
                + replies.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(","));
    }
}
