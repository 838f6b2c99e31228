package tp0.lottery.cluster;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.JSerializer;
import tp0.lottery.store.BetStore;
import tp0.protocol.Codec;
import tp0.protocol.DecodeException;
import tp0.protocol.Message;

/**
 * The batch on its way from a session to its agency's ledger on another node, the one message
 * every bet crosses the cluster in: the agency id, the two actor references, and the batch as
 * the very frame the agency sent (no object per bet, no JSON). The receiving node decodes the
 * frame again, so what a ledger writes has passed the protocol's checks on that node too.
 */
public final class BatchSerializer extends JSerializer {

    /** Any number Pekko does not reserve (0..40). */
    public static final int IDENTIFIER = 7574;

    private final ActorRefResolver resolver;

    public BatchSerializer(ExtendedActorSystem system) {
        this.resolver = ActorRefResolver.get(Adapter.toTyped(system));
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public boolean includeManifest() {
        return false;
    }

    @Override
    public byte[] toBinary(Object o) {
        AgencyLedger.Append batch = (AgencyLedger.Append) o;
        byte[] frame = Codec.encode(batch.batch());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(frame.length + 256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(batch.agency());
            out.writeUTF(resolver.toSerializationFormat(batch.replyTo()));
            out.writeUTF(batch.session() == null ? "" : resolver.toSerializationFormat(batch.session()));
            out.write(frame);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array never fails to take bytes
        }
        return bytes.toByteArray();
    }

    @Override
    public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            int agency = in.readInt();
            ActorRef<BetStore.StoreReply> replyTo = resolver.resolveActorRef(in.readUTF());
            String session = in.readUTF();
            byte[] frame = Arrays.copyOfRange(bytes, bytes.length - in.available(), bytes.length);
            Message decoded = Codec.decodeFrame(ByteBuffer.wrap(frame));
            if (!(decoded instanceof Message.BetBatch batch)) {
                throw new IllegalArgumentException("an Append holding a " + decoded.type() + " frame");
            }
            return new AgencyLedger.Append(agency, batch, session.isEmpty() ? null : resolver.resolveActorRef(session),
                    replyTo);
        } catch (IOException | DecodeException e) {
            throw new IllegalArgumentException("not a serialized Append: " + e.getMessage(), e);
        }
    }
}
