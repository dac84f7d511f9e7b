package dev.udpimage.store;

import static org.assertj.core.api.Assertions.assertThat;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import dev.udpimage.store.file.FileStore;
import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.ServiceTestSupport;

/** The single-machine default: the file store, and no database anywhere. */
@ServiceTest
class DefaultBackendTest extends ServiceTestSupport {

    @Autowired
    ApplicationContext context;

    @Autowired
    ReceivedStore store;

    @Test
    void theDefaultIsTheFileStoreWithNoDataSource() {
        assertThat(this.store).isInstanceOf(FileStore.class);
        assertThat(this.context.getBeanNamesForType(DataSource.class)).isEmpty();
        assertThat(this.context.getBeanNamesForType(org.flywaydb.core.Flyway.class)).isEmpty();
    }

}
