/**
 * IP address values, strict text parsing and routability classification for blindmatch, which turns
 * (IP address, time) events into keyed tokens.
 *
 * <ul>
 *   <li>{@link org.blindmatch.crypto.ip.IpParser} turns log and configuration text into {@link
 *       org.blindmatch.crypto.ip.IpAddress} and {@link org.blindmatch.crypto.ip.IpPrefix} values.
 *       It accepts literal addresses only and never performs DNS look-ups.
 *   <li>{@link org.blindmatch.crypto.ip.AddressClassifier} decides which addresses are globally
 *       routable ({@link org.blindmatch.crypto.ip.AddressClass#GLOBAL}); only those are tokenised.
 *   <li>{@link org.blindmatch.crypto.ip.IpAddress#writeField16(byte[], int)} is the fixed-width
 *       encoding fed to the keyed function.
 * </ul>
 *
 * <p>Every type is immutable or stateless and thread-safe, except the iterator returned by {@link
 * org.blindmatch.crypto.ip.IpPrefix#addressesAt(int)}. Methods throw {@link
 * java.lang.NullPointerException} for null arguments unless stated otherwise.
 */
package org.blindmatch.crypto.ip;
