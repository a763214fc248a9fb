// An embedded Neo4j 5.26 Community server with Bolt on 127.0.0.1:PORT, run from the jars in lib/.
// Usage: java -cp "lib/*" Launcher.java HOME PORT
import java.nio.file.Path;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

public class Launcher {
    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        SocketAddress bolt = new SocketAddress("127.0.0.1", port);
        // LOAD CSV may read no local file: file URLs are off, and the import directory is an empty one
        Path imports = home.resolve("import");
        java.nio.file.Files.createDirectories(imports);
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, bolt)
                .setConfig(BoltConnector.advertised_address, bolt)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.allow_file_urls, false)
                .setConfig(GraphDatabaseSettings.load_csv_file_url_root, imports)
                .setConfig(GraphDatabaseSettings.pagecache_memory, 1024L * 1024 * 1024)
                // keep only the transaction log recovery needs (the default keeps two days: gigabytes
                // after a few large pushes)
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
                .build();
        // stop cleanly on SIGTERM so the store is checkpointed
        Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown));
        System.out.println("neo4j ready on bolt://127.0.0.1:" + port);
        Thread.currentThread().join();
    }
}
