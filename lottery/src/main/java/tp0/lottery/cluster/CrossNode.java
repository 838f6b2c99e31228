package tp0.lottery.cluster;

/**
 * A message that may travel between cluster nodes, serialized with Jackson CBOR (bound in
 * {@code cluster.conf}; Java serialization is off). The hot one, a batch on its way to its
 * agency's ledger, has a serializer of its own ({@link BatchSerializer}): it crosses as its
 * wire bytes. {@code CrossNodeSerializationTest} round-trips every such message.
 */
public interface CrossNode {}
