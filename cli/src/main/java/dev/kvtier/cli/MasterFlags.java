package dev.kvtier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code mooncake_master}'s command line as {@code kvtier master} takes it: upstream's {@code --config_path} file
 * (a JSON object whose keys are flag names) expanded into flags ahead of the command line, which wins; and
 * upstream's flags that kvtier does not implement, named as such in one line instead of an unknown-option error.
 */
final class MasterFlags
{
    /** Upstream {@code mooncake_master} flags with no counterpart here (high availability, offload, tenants…). */
    static final Set<String> UNSUPPORTED = Set.of("rpc_thread_num", "max_threads", "rpc_interface",
        "rpc_conn_timeout_seconds", "rpc_enable_tcp_no_delay", "default_kv_soft_pin_ttl", "max_kv_soft_pin_ttl",
        "allow_evict_soft_pinned_objects", "nof_eviction_ratio", "nof_eviction_high_watermark_ratio",
        "memory_allocator", "put_start_discard_timeout_sec", "put_start_release_timeout_sec", "enable_ha",
        "ha_backend_type", "ha_backend_connstring", "etcd_endpoints", "cluster_id", "enable_oplog",
        "oplog_poll_interval_ms", "oplog_batch_max_entries", "batch_oplog_retry_timeout_sec", "root_fs_dir",
        "global_file_segment_size", "enable_offload", "offload_on_evict", "offload_force_evict",
        "offloading_queue_limit", "offload_cap_ratio", "promotion_on_hit", "promotion_admission_threshold",
        "promotion_queue_limit", "promotion_max_per_heartbeat", "dynamic_replication_mode", "enable_disk_eviction",
        "quota_bytes", "enable_multi_tenants", "tenant_quota_connector_type", "tenant_quota_connector_uri",
        "enable_snapshot", "enable_snapshot_restore", "snapshot_interval_seconds", "snapshot_child_timeout_seconds",
        "snapshot_retention_count", "max_total_finished_tasks", "max_total_pending_tasks",
        "max_total_processing_tasks", "pending_task_timeout_sec", "processing_task_timeout_sec",
        "max_retry_attempts", "enable_cxl", "cxl_path", "cxl_size", "enable_kv_events");

    private static final Set<String> CONFIG_PATH = Set.of("--config_path", "--config-path");

    private MasterFlags()
    {
    }

    /** The flag's upstream name: {@code --enable-ha=true} → {@code enable_ha}. */
    static String upstreamName(final String arg)
    {
        final int eq = arg.indexOf('=');
        return (eq < 0 ? arg : arg.substring(0, eq)).replaceFirst("^-+", "").replace('-', '_')
            .toLowerCase(Locale.ROOT);
    }

    /** One line for an upstream flag kvtier does not implement, or null when {@code arg} is not one. */
    static String unsupported(final String arg)
    {
        if (!arg.startsWith("--") || !UNSUPPORTED.contains(upstreamName(arg)))
        {
            return null;
        }
        return "--" + upstreamName(arg) + ": an upstream mooncake_master flag that kvtier master does not implement; "
            + "leave it out (see 'kvtier master --help' for the flags it takes)";
    }

    /**
     * {@code args} (a {@code master} command line, without the command) with {@code --config_path FILE} replaced by
     * the file's flags, placed first so that the command line's own flags win.
     */
    static List<String> expand(final List<String> args) throws IOException
    {
        final List<String> rest = new ArrayList<>();
        Path file = null;
        for (int i = 0; i < args.size(); i++)
        {
            final String a = args.get(i);
            final int eq = a.indexOf('=');
            final String name = eq < 0 ? a : a.substring(0, eq);
            if (CONFIG_PATH.contains(name))
            {
                if (eq < 0 && i + 1 >= args.size())
                {
                    throw new BadInputException(name + ": give the path of upstream's master config (JSON)");
                }
                file = Path.of(eq < 0 ? args.get(++i) : a.substring(eq + 1));
            }
            else
            {
                rest.add(a);
            }
        }
        if (file == null)
        {
            return args;
        }
        final List<String> out = new ArrayList<>(fromFile(file));
        out.addAll(rest);
        return out;
    }

    private static List<String> fromFile(final Path file) throws IOException
    {
        InputFile.require(file, "--config_path", "give upstream's master config file (JSON, keys = flag names)");
        final JsonNode root;
        try
        {
            root = new ObjectMapper().readTree(Files.readString(file));
        }
        catch (final com.fasterxml.jackson.core.JsonProcessingException e)
        {
            throw new BadInputException("--config_path " + file + ": not JSON (line " + e.getLocation().getLineNr()
                + "); kvtier reads upstream's JSON master config, not YAML");
        }
        if (root == null || !root.isObject())
        {
            throw new BadInputException("--config_path " + file + ": expected a JSON object of flag names");
        }
        final List<String> flags = new ArrayList<>();
        for (final Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); )
        {
            final Map.Entry<String, JsonNode> e = it.next();
            final String flag = "--" + e.getKey() + "=" + e.getValue().asText();
            final String refusal = unsupported(flag);
            if (refusal != null)
            {
                throw new BadInputException("--config_path " + file + ": " + refusal);
            }
            flags.add(flag);
        }
        return flags;
    }
}
