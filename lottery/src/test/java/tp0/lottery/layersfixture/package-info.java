/**
 * Deliberately wrong classes for {@code LayersTest}'s test of its own rules, laid out as the
 * server's packages are: a store that reaches up to the cluster (and so a cycle), a store actor
 * that uses a backend, a backend that uses the other. Not part of the server.
 */
package tp0.lottery.layersfixture;
