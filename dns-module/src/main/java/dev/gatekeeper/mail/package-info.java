/**
 * The mail identities every engine and adapter share: {@link dev.gatekeeper.mail.Mailbox} (an RFC
 * 5321 path) and {@link dev.gatekeeper.mail.DomainName}. Parsed once, in one place; nothing else in
 * Gatekeeper splits an address at its '@' or strips a trailing dot.
 */
package dev.gatekeeper.mail;
