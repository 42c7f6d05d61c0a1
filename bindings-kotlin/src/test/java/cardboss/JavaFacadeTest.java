package cardboss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cardboss.core.BulkReport;
import cardboss.core.Card;
import cardboss.core.CardDetail;
import cardboss.core.CardPage;
import cardboss.core.CardRef;
import cardboss.core.CardSet;
import cardboss.core.Customer;
import cardboss.core.ErrorKind;
import cardboss.testing.Sandbox;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The SDK from plain Java (no coroutines): CardBossFutures against an in-process sandbox on loopback. */
class JavaFacadeTest {
    @Test
    void callsCompleteFuturesAndFailuresCarryTheException() throws Exception {
        try (Sandbox sb = Sandbox.start(30);
                CardBossFutures client = CardBossFutures.create(sb.getSid(), sb.getApikey(), sb.getBaseUrl(), sb.getOpsUrl())) {
            Customer me = client.customer().get(30, TimeUnit.SECONDS);
            assertEquals(sb.getSid(), me.getSid());
            assertEquals(30L, me.getCardqty());

            CardPage page = client.listCards(1).get(30, TimeUnit.SECONDS);
            assertEquals(30, page.getCards().size());
            Card first = page.getCards().get(0);

            // Several calls in flight at once, joined together.
            CompletableFuture<List<CardDetail>> details =
                    client.cardDetails(new CardSet(List.of(first.getMsisdn()), null, null));
            CompletableFuture<List<Card>> all = client.allCards();
            CompletableFuture.allOf(details, all).get(30, TimeUnit.SECONDS);
            assertEquals(first.getIccid(), details.get().get(0).getIccid());
            assertEquals(30, all.get().size());

            // A lifecycle operation answers a future of nothing.
            assertNull(client.suspend(new CardRef(first.getMsisdn(), null)).get(30, TimeUnit.SECONDS));

            // A bulk run answers a future of its report, one outcome per card.
            String second = page.getCards().get(1).getMsisdn();
            BulkReport bulk = client.bulk("suspend", new CardSet(List.of(second), null, null)).get(30, TimeUnit.SECONDS);
            assertEquals("suspend", bulk.getOp());
            assertEquals(second, bulk.getOutcomes().get(0).getCard());
            assertEquals(1L, bulk.getDone()); // signed counters: plain getters from Java

            // Bad input: the future fails with the typed exception, nothing sent.
            ExecutionException failed = assertThrows(ExecutionException.class, () -> client.listCards(-1).get(30, TimeUnit.SECONDS));
            CardBossException.InvalidInput invalid = assertInstanceOf(CardBossException.InvalidInput.class, failed.getCause());
            assertEquals("page", invalid.info().getField());
            assertEquals("INVALID_INPUT", invalid.getInfo().getCode());

            // A refusal of the server carries its code.
            try (CardBossFutures wrongKey = CardBossFutures.create(sb.getSid(), "0".repeat(32), sb.getBaseUrl())) {
                ExecutionException refused = assertThrows(ExecutionException.class, () -> wrongKey.customer().get(30, TimeUnit.SECONDS));
                CardBossException.Auth auth = assertInstanceOf(CardBossException.Auth.class, refused.getCause());
                assertEquals("1005", auth.info().getCode());
                assertEquals("customer/get", auth.info().getEndpoint());
                assertEquals(ErrorKind.AUTH, auth.info().getKind());
            }
        }
    }
}
