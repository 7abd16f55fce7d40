package org.recallctl.milvus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.ConfigException;
import org.recallctl.error.DependencyException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Import files in the bucket Milvus uses as its object storage (MinIO, S3, SeaweedFS...): a data node imports
 * object keys relative to that bucket's root. Files are staged in a local temporary directory, uploaded per
 * partition (the AWS SDK v2 client; credentials are config secrets, never printed) and deleted locally once
 * uploaded, so local disk holds one build's files at most until they are published.
 */
final class S3ImportStorage implements ImportStorage {
    private final S3Client s3;
    private final String bucket;
    private final String keyPrefix;
    private final Path staging;
    private final String endpoint;
    private final List<String> uploaded = new ArrayList<>();

    private S3ImportStorage(S3Client s3, String bucket, String keyPrefix, Path staging, String endpoint) {
        this.s3 = s3;
        this.bucket = bucket;
        this.keyPrefix = keyPrefix;
        this.staging = staging;
        this.endpoint = endpoint;
    }

    static S3ImportStorage open(RecallConfig.S3 cfg, String target, String runId) {
        if (cfg.bucket().isEmpty()) {
            throw new ConfigException("build.import.storage s3 needs build.import.s3.bucket: the bucket Milvus uses"
                    + " (minio.bucketName in milvus.yaml)");
        }
        if (!cfg.accessKey().isSet() || !cfg.secretKey().isSet()) {
            throw new ConfigException("build.import.storage s3 needs credentials: set RECALLCTL_BUILD_IMPORT_S3_ACCESS_KEY"
                    + " and RECALLCTL_BUILD_IMPORT_S3_SECRET_KEY (or build.import.s3.access_key_file/secret_key_file)");
        }
        var b = S3Client.builder()
                .region(Region.of(cfg.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(cfg.accessKey().reveal(), cfg.secretKey().reveal())))
                .forcePathStyle(cfg.pathStyle());
        if (!cfg.endpoint().isEmpty()) {
            try {
                b.endpointOverride(URI.create(cfg.endpoint()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("build.import.s3.endpoint '" + cfg.endpoint() + "' is not a URL (e.g."
                        + " http://minio:9000)");
            }
        }
        Path staging;
        try {
            staging = Files.createTempDirectory("recallctl-import-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a local staging directory for import files: "
                    + e.getMessage(), e);
        }
        String prefix = cfg.prefix().replaceAll("^/+|/+$", "");
        return new S3ImportStorage(b.build(), cfg.bucket(), (prefix.isEmpty() ? "" : prefix + "/") + target + "-"
                + runId + "/", staging, cfg.endpoint().isEmpty() ? "s3" : cfg.endpoint());
    }

    @Override
    public Path staging() {
        return staging;
    }

    @Override
    public List<String> publish(List<Path> files) {
        List<String> keys = new ArrayList<>();
        for (Path f : files) {
            String key = keyPrefix + staging.relativize(f).toString().replace('\\', '/');
            try {
                s3.putObject(PutObjectRequest.builder().bucket(bucket).key(key).build(), RequestBody.fromFile(f));
            } catch (SdkException e) {
                throw new DependencyException("s3", "cannot upload import file " + f.getFileName() + " to s3://" + bucket
                        + "/" + key + " at " + endpoint + ": " + e.getMessage(), e);
            }
            synchronized (uploaded) {
                uploaded.add(key);
            }
            keys.add(key);
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete staged import file " + f + ": " + e.getMessage(), e);
            }
        }
        return keys;
    }

    @Override
    public void remove() {
        List<String> keys;
        synchronized (uploaded) {
            keys = List.copyOf(uploaded);
        }
        for (int from = 0; from < keys.size(); from += 1000) { // DeleteObjects takes at most 1000 keys
            List<ObjectIdentifier> ids = keys.subList(from, Math.min(keys.size(), from + 1000)).stream()
                    .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
            try {
                s3.deleteObjects(DeleteObjectsRequest.builder().bucket(bucket)
                        .delete(Delete.builder().objects(ids).build()).build());
            } catch (SdkException e) {
                throw new DependencyException("s3", "cannot remove import files under s3://" + bucket + "/" + keyPrefix
                        + ": " + e.getMessage(), e);
            }
        }
        ImportStorage.deleteTree(staging);
    }

    @Override
    public String kept() {
        return "s3://" + bucket + "/" + keyPrefix + " (staged locally in " + staging + ")";
    }

    @Override
    public void close() {
        s3.close();
    }
}
