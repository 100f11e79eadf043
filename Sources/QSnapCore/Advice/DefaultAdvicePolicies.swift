/// The default advice rule files, embedded so `qsnap advise` works without a `policies/` directory.
///
/// Generated from `policies/advice/*.yaml`, which stay the source of truth; `AdviceDefaultPoliciesTests`
/// fails when the two differ. Regenerate after editing the YAML:
/// `QSNAP_REGENERATE_ADVICE_DEFAULTS=1 swift test --filter AdviceDefaultPoliciesTests`.
public enum DefaultAdvicePolicies {
    /// `(file name, YAML text)` pairs in evaluation order.
    public static let files: [(name: String, text: String)] = [
        (
            "embedding.yaml",
            #"""
# Changing the embedding model of a Qdrant collection without downtime.
# Schema: policies/README.md, "Advice rules".
version: 1
domain: embedding
title: Changing the embedding model
applies_when: {fact: embedding_change, known: true}

methods:
  - id: add-named-vector
    title: Add a named vector field and backfill it in place
    summary: Add the new model's vector field to {collection}, backfill it with UpdateVectors, verify, then drop the old field.
    properties:
      reembedding: required
      downtime: none (queries keep using the old field until you switch)
      needs: Qdrant 1.18 or newer and a collection with named vectors
      new_collection: no
    constraints:
      - {id: qdrant-1-18, label: Qdrant 1.18 or newer, fact: qdrant_version, gte: "1.18"}
      - {id: named-vectors, label: Collection uses named vectors, fact: named_vectors, equals: true}
    steps:
      - do: "Add a named vector field (e.g. new_model) with the new model's size and distance to {collection}"
      - do: "Backfill: scroll {collection} with with_vectors=false, embed the payloads with the new model, write the vectors with UpdateVectors"
      - run: "curl -s -X PUT '{to_url}/collections/{collection}/points/vectors?wait=false' -H 'Content-Type: application/json' -d '{\"points\": [{\"id\": 1, \"vector\": {\"new_model\": [0.1, 0.2]}}]}'"
      - do: "Verify: every point has new_model (count with a has_vector filter), and sample queries with using=new_model give the expected results"
      - do: "Switch the queries to using=new_model and the new query model"
      - do: "Drop the old vector field once the new one is verified"

  - id: new-collection-alias
    title: New collection, re-embed, switch the alias
    summary: Build {collection}_v2 with the new model, re-embed into it, switch the alias {alias}, verify, drop the old collection.
    properties:
      reembedding: required
      downtime: none (one atomic alias switch)
      needs: any Qdrant version; clients query through an alias
      new_collection: yes
    constraints:
      - {id: disk-headroom, label: Disk for the old and new collections side by side (free ÷ data), fact: disk_headroom, gte: 2, severity: warn, figures: [free_disk, data_size]}
    steps:
      - do: "Create {collection}_v2 with the new model's size and distance (1024 and Cosine below are examples), indexing off for the bulk load"
      - run: "curl -s -X PUT '{to_url}/collections/{collection}_v2' -H 'Content-Type: application/json' -d '{\"vectors\": {\"new_model\": {\"size\": 1024, \"distance\": \"Cosine\"}}, \"optimizers_config\": {\"indexing_threshold\": 0}}'"
      - do: "Re-embed: scroll {collection} with with_vectors=false, embed with the new model, upsert into {collection}_v2 with the payloads"
      - run: "curl -s -X PATCH '{to_url}/collections/{collection}_v2' -H 'Content-Type: application/json' -d '{\"optimizers_config\": {\"indexing_threshold\": 10000}}'"
      - do: "Verify {collection}_v2: exact count equals {collection}'s, collection green, sample queries with the new query model"
      - run: "qsnap alias switch {alias} --to {collection}_v2 --qdrant {to_url}"
      - do: "Verify through the alias, then drop {collection} (switch back with qsnap alias switch {alias} --to {collection} until then)"

  - id: side-by-side-ab
    title: Side-by-side A/B with two named vectors
    summary: Keep the old and the new embeddings as two named vectors and compare them with the same queries (using=old_model / using=new_model) before switching.
    properties:
      reembedding: required
      downtime: none
      needs: both embeddings as named vectors (in place on 1.18+ with named vectors, else in a new collection)
      new_collection: only when the collection has unnamed vectors or runs Qdrant 1.17 or older
    steps:
      - do: "Add a named vector field new_model next to the existing one in {collection} and backfill it with UpdateVectors"
        when:
          all:
            - {fact: qdrant_version, gte: "1.18"}
            - {fact: named_vectors, equals: true}
      - do: "Create {collection}_ab with two named vectors, old_model and new_model, copy the old vectors and payloads, embed new_model"
        when:
          any:
            - {fact: qdrant_version, lt: "1.18"}
            - {fact: named_vectors, equals: false}
      - do: "Run the same queries with using=old_model and using=new_model; compare recall or NDCG on a labelled set"
      - do: "Keep the winner: switch queries (and the alias) to it, then drop the other vector field"

  - id: new-collection-hybrid
    title: New hybrid collection (dense + sparse), then switch the alias
    summary: Create {collection}_hybrid with a dense and a sparse named vector, fill both, switch the alias {alias}.
    properties:
      reembedding: required (the sparse vectors)
      downtime: none (one atomic alias switch)
      needs: a new collection; a dense-only collection cannot become hybrid in place
      new_collection: yes
    constraints:
      - {id: disk-headroom, label: Disk for the old and new collections side by side (free ÷ data), fact: disk_headroom, gte: 2, severity: warn, figures: [free_disk, data_size]}
    steps:
      - do: "Create {collection}_hybrid with the dense size and distance of {collection} (1024 and Cosine below are examples) and a sparse vector, indexing off for the bulk load"
      - run: "curl -s -X PUT '{to_url}/collections/{collection}_hybrid' -H 'Content-Type: application/json' -d '{\"vectors\": {\"dense\": {\"size\": 1024, \"distance\": \"Cosine\"}}, \"sparse_vectors\": {\"sparse\": {}}, \"optimizers_config\": {\"indexing_threshold\": 0}}'"
      - do: "Copy the dense vectors and payloads from {collection}, compute the sparse vectors (BM25, SPLADE…) and upsert both"
      - run: "curl -s -X PATCH '{to_url}/collections/{collection}_hybrid' -H 'Content-Type: application/json' -d '{\"optimizers_config\": {\"indexing_threshold\": 10000}}'"
      - do: "Query with prefetch on dense and sparse and a fusion (RRF); verify against {collection}"
      - run: "qsnap alias switch {alias} --to {collection}_hybrid --qdrant {to_url}"

  - id: truncate-matryoshka
    title: Use a Matryoshka prefix of the existing vectors (no re-embedding)
    summary: Keep the model; store and query the first N dimensions of the existing vectors.
    properties:
      reembedding: avoidable
      downtime: none
      needs: a Matryoshka-trained model
      new_collection: a new vector field or collection with the smaller size
    steps:
      - do: "Create a vector field (or collection) with the smaller size; fill it with the first N components of the stored vectors, re-normalised for cosine"
      - do: "Truncate the query vectors the same way"
      - do: "Measure recall against the full vectors before switching; prefetch with the short vector and rescore with the full one to win recall back"
    warnings:
      - "Recall caveat: fewer Matryoshka dimensions lose recall; measure it on your queries"

  - id: change-quantization
    title: Change the quantization (no re-embedding)
    summary: Update the quantization config of {collection}; the optimiser rebuilds the quantized vectors from the originals.
    properties:
      reembedding: avoidable
      downtime: none (the collection is yellow while it re-optimises)
      needs: the original vectors still stored
      new_collection: no
    steps:
      - run: "curl -s -X PATCH '{to_url}/collections/{collection}' -H 'Content-Type: application/json' -d '{\"quantization_config\": {\"scalar\": {\"type\": \"int8\", \"always_ram\": true}}}'"
      - do: "Wait for the collection to turn green, then check recall with rescore and oversampling"

rules:
  - id: add-sparse
    priority: 80
    when: {fact: embedding_change, equals: add-sparse}
    because: "Adding sparse vectors to a dense-only collection (dense → hybrid) needs a new collection and the sparse vectors must be computed"
    recommend: new-collection-hybrid
    findings: {reembedding: unavoidable}

  - id: matryoshka
    priority: 75
    when: {fact: embedding_change, equals: matryoshka}
    because: "A Matryoshka model's shorter vectors are prefixes of the stored ones: no re-embedding, at some cost in recall"
    recommend: truncate-matryoshka
    findings: {reembedding: avoidable}

  - id: quantization
    priority: 74
    when: {fact: embedding_change, equals: quantization}
    because: "Quantization is rebuilt from the stored vectors: no re-embedding"
    recommend: change-quantization
    findings: {reembedding: avoidable}

  - id: provider-or-architecture-change
    priority: 72
    when: {fact: embedding_change, in: [provider, architecture]}
    because: "A different provider or model architecture produces vectors in another space: every point must be re-embedded"
    findings: {reembedding: unavoidable}

  - id: dimension-change
    priority: 71
    when: {fact: embedding_change, equals: dimension}
    because: "A different dimension cannot be derived from the stored vectors: every point must be re-embedded"
    findings: {reembedding: unavoidable}

  - id: side-by-side-requested
    priority: 70
    when:
      all:
        - {fact: reembedding_needed, equals: true}
        - {fact: side_by_side, equals: true}
    because: "An A/B comparison keeps both embeddings as named vectors and queries each with using"
    recommend: side-by-side-ab

  - id: zero-downtime-named-vectors
    priority: 60
    when:
      all:
        - {fact: reembedding_needed, equals: true}
        - {fact: qdrant_version, gte: "1.18"}
        - {fact: named_vectors, equals: true}
    because: "Qdrant {qdrant_version} with named vectors can take a new vector field in place: add it, backfill with UpdateVectors, verify, drop the old one"
    recommend: add-named-vector

  - id: zero-downtime-new-collection
    priority: 50
    when:
      all:
        - {fact: reembedding_needed, equals: true}
        - any:
            - {fact: qdrant_version, lt: "1.18"}
            - {fact: named_vectors, equals: false}
    because: "On Qdrant 1.17 or older, or with unnamed vectors, a vector field cannot be added in place: new collection, re-embed, switch the alias, verify, drop the old one"
    recommend: new-collection-alias

  - id: reembed-any-version
    priority: 40
    when: {fact: reembedding_needed, equals: true}
    because: "A new collection behind an alias works on every Qdrant version and vector layout"
    recommend: new-collection-alias

  - id: ask-for-version-and-layout
    priority: 35
    when:
      all:
        - {fact: reembedding_needed, equals: true}
        - any:
            - {fact: qdrant_version, known: false}
            - {fact: named_vectors, known: false}
    because: "The Qdrant version or the vector layout is unknown"
    tips: "Give --target-version and --named-vectors (or --no-named-vectors): on Qdrant 1.18+ with named vectors a new field in place avoids a second collection"

  - id: small-dataset
    priority: 30
    when:
      all:
        - {fact: reembedding_needed, equals: true}
        - {fact: dataset_size, lt: 25MB}
    because: "The dataset is only {dataset_size}"
    tips: "Under 25 MB, re-index from the source data instead of scrolling Qdrant: it is simpler and just as fast"

  - id: bulk-load-speed
    priority: 10
    when: {fact: decision, in: [add-named-vector, new-collection-alias, new-collection-hybrid, side-by-side-ab]}
    because: "Re-embedding is a bulk load"
    tips:
      - "Write with update_mode: insert (no read-before-write)"
      - "Scroll the source with with_vectors=false when re-embedding from payloads: only ids and payloads are needed"
      - "Send batches of 64–256 points over 2–4 parallel streams"
      - "Disable indexing during the bulk load (indexing_threshold: 0) and restore it afterwards"

  - id: multivector-on-disk
    priority: 10
    when:
      all:
        - {fact: decision, in: [side-by-side-ab, add-named-vector]}
        - {fact: multivector, equals: true}
    because: "Two sets of multivectors live side by side for a while"
    warn: "Large multivectors (ColBERT) double in size while old and new coexist: store them on disk (on_disk: true) during the side-by-side period"

  - id: keep-old-until-verified
    priority: 10
    when: {fact: decision, in: [add-named-vector, new-collection-alias, new-collection-hybrid, side-by-side-ab, truncate-matryoshka]}
    because: "The old embeddings are the rollback"
    warn: "Keep the old collection or vector field until the new one is verified; drop it last"

  - id: alias-moves-no-payloads
    priority: 10
    when: {fact: decision, in: [new-collection-alias, new-collection-hybrid]}
    because: "An alias points at a collection; it copies nothing"
    warn: "An alias switch moves no payloads: copy payloads and payload indexes into the new collection before switching"

  - id: update-query-model
    priority: 10
    when: {fact: decision, in: [add-named-vector, new-collection-alias, new-collection-hybrid, side-by-side-ab, truncate-matryoshka]}
    because: "Queries must live in the same vector space as the points"
    warn: "Update the query side too: embed queries with the new model (and query the new vector name with using)"
"""#
        ),
        (
            "migration.yaml",
            #"""
# Moving or recovering Qdrant data: Migration Tool, snapshots (qsnap) or Qdrant Cloud Backups.
# Schema: policies/README.md, "Advice rules". Source of the comparison: Qdrant's "Migration and Recovery
# Options" page (qdrant/landing_page migration-recovery-options.md) and the Migration Tool (qdrant/migration).
version: 1
domain: migration
title: Moving or recovering data
applies_when:
  any:
    - {fact: source, known: true}
    - {fact: scenario, in: [cluster-failure, revert-deploy]}

methods:
  - id: migration-tool
    title: Qdrant Migration Tool
    summary: Stream the points from {source} into Qdrant with the Migration Tool container; the target builds its index anew.
    properties:
      use_for: other engines, a shard-count change, a subset
      scope: one collection per run
      index_rebuild: full rebuild on the target
      speed: slowest (every point is read, sent and indexed again)
      network_cost: every point crosses the network (source egress)
      source_load: high (scrolls the whole source for the whole run)
      source_online: must stay online until the run ends
      target_shape: any (shard count and replication may differ)
      target_version: any
      target_cloud: any
      disk_headroom: 2× the source data on the target
      ram_headroom: 2× the source RAM on the target
      interruption: checkpoint resume (offsets in _migration_offsets on the target)
    constraints:
      - {id: disk-headroom, label: Disk headroom on the target (free ÷ data), fact: disk_headroom, gte: 2, figures: [free_disk, data_size]}
      - {id: ram-headroom, label: RAM headroom on the target (target ÷ source), fact: ram_headroom, gte: 2, figures: [ram, source_ram]}
    steps:
      - do: "Create the target collection {collection} with shard_number {target_shards} and the same vector size and distance first (a missing target is created with the source's shard count)"
        when: {fact: shard_count_changes, equals: true}
      - do: "Create the target collection {collection} by hand first: the Migration Tool does not create it for a {source} source"
        when: {fact: source, in: [weaviate, redis, mongodb, solr]}
      - run: "docker run --net=host --rm -it registry.cloud.qdrant.io/library/qdrant-migration qdrant --source.url '{from_url}' --source.api-key \"$SOURCE_QDRANT_API_KEY\" --source.collection '{collection}' --target.url '{to_url}' --target.api-key \"$TARGET_QDRANT_API_KEY\" --target.collection '{collection}' --migration.batch-size 256 --migration.num-workers 4"
        when: {fact: source, equals: qdrant}
      - run: "qsnap migrate --from {from_url} --to {to_url} --collection {collection} --shards {target_shards} --parallel 4 --alias {collection}   # the same path built into qsnap: creates the target, resumes after a kill, verifies by value"
        when: {all: [{fact: source, equals: qdrant}, {fact: shard_count_changes, equals: true}]}
      - run: "qsnap migrate --from {from_url} --to {to_url} --collection {collection} --parallel 4 --alias {collection}   # the same path built into qsnap: creates the target, resumes after a kill, verifies by value"
        when: {all: [{fact: source, equals: qdrant}, {not: {fact: shard_count_changes, equals: true}}]}
      - run: "docker run --net=host --rm -it registry.cloud.qdrant.io/library/qdrant-migration pinecone --pinecone.index-host '{from_url}' --pinecone.index-name '{collection}' --pinecone.api-key \"$PINECONE_API_KEY\" --qdrant.url '{to_url}' --qdrant.api-key \"$QDRANT_API_KEY\" --qdrant.collection '{collection}' --migration.batch-size 256"
        when: {fact: source, equals: pinecone}
      - run: "docker run --net=host --rm -it registry.cloud.qdrant.io/library/qdrant-migration weaviate --weaviate.host '{from_url}' --weaviate.class-name '{collection}' --qdrant.url '{to_url}' --qdrant.api-key \"$QDRANT_API_KEY\" --qdrant.collection '{collection}' --migration.batch-size 256"
        when: {fact: source, equals: weaviate}
      - run: "docker run --net=host --rm -it registry.cloud.qdrant.io/library/qdrant-migration chroma --chroma.url '{from_url}' --chroma.collection '{collection}' --qdrant.url '{to_url}' --qdrant.api-key \"$QDRANT_API_KEY\" --qdrant.collection '{collection}' --migration.batch-size 256"
        when: {fact: source, equals: chroma}
      - run: "docker run --net=host --rm -it registry.cloud.qdrant.io/library/qdrant-migration milvus --milvus.url '{from_url}' --milvus.collection '{collection}' --milvus.api-key \"$MILVUS_API_KEY\" --qdrant.url '{to_url}' --qdrant.api-key \"$QDRANT_API_KEY\" --qdrant.collection '{collection}' --migration.batch-size 256"
        when: {fact: source, equals: milvus}
      - run: "docker run --net=host --rm -it registry.cloud.qdrant.io/library/qdrant-migration elasticsearch --elasticsearch.url '{from_url}' --elasticsearch.index '{collection}' --elasticsearch.api-key \"$ELASTICSEARCH_API_KEY\" --qdrant.url '{to_url}' --qdrant.api-key \"$QDRANT_API_KEY\" --qdrant.collection '{collection}' --migration.batch-size 256"
        when: {fact: source, equals: elasticsearch}
      - run: "docker run --net=host --rm -it registry.cloud.qdrant.io/library/qdrant-migration opensearch --opensearch.url '{from_url}' --opensearch.index '{collection}' --opensearch.api-key \"$OPENSEARCH_API_KEY\" --qdrant.url '{to_url}' --qdrant.api-key \"$QDRANT_API_KEY\" --qdrant.collection '{collection}' --migration.batch-size 256"
        when: {fact: source, equals: opensearch}
      - run: "docker run --net=host --rm -it registry.cloud.qdrant.io/library/qdrant-migration pg --pg.url \"$PG_URL\" --pg.table '{collection}' --pg.key-column id --qdrant.url '{to_url}' --qdrant.api-key \"$QDRANT_API_KEY\" --qdrant.collection '{collection}' --migration.batch-size 256"
        when: {fact: source, equals: pgvector}
      - run: "docker run --net=host --rm -it registry.cloud.qdrant.io/library/qdrant-migration redis --redis.addr '{from_url}' --redis.index '{collection}' --redis.password \"$REDIS_PASSWORD\" --qdrant.url '{to_url}' --qdrant.api-key \"$QDRANT_API_KEY\" --qdrant.collection '{collection}' --migration.batch-size 256"
        when: {fact: source, equals: redis}
      - run: "docker run --net=host --rm -it registry.cloud.qdrant.io/library/qdrant-migration mongodb --mongodb.url \"$MONGODB_URL\" --mongodb.database <database> --mongodb.collection '{collection}' --mongodb.vector-fields <vector-field> --qdrant.url '{to_url}' --qdrant.api-key \"$QDRANT_API_KEY\" --qdrant.collection '{collection}' --migration.batch-size 256"
        when: {fact: source, equals: mongodb}
      - run: "docker run --net=host --rm -it registry.cloud.qdrant.io/library/qdrant-migration s3 --s3.bucket <vector-bucket> --s3.index '{collection}' --qdrant.url '{to_url}' --qdrant.api-key \"$QDRANT_API_KEY\" --qdrant.collection '{collection}' --migration.batch-size 256"
        when: {fact: source, equals: s3-vectors}
      - run: "docker run --net=host --rm -it -v \"$PWD:/data\" registry.cloud.qdrant.io/library/qdrant-migration faiss --faiss.index-path /data/index.faiss --qdrant.url '{to_url}' --qdrant.api-key \"$QDRANT_API_KEY\" --qdrant.collection '{collection}' --migration.batch-size 256"
        when: {fact: source, equals: faiss}
      - run: "docker run --net=host --rm -it registry.cloud.qdrant.io/library/qdrant-migration solr --solr.url '{from_url}' --solr.collection '{collection}' --qdrant.url '{to_url}' --qdrant.api-key \"$QDRANT_API_KEY\" --qdrant.collection '{collection}' --migration.batch-size 256"
        when: {fact: source, equals: solr}
      - run: "curl -s -X POST '{to_url}/collections/{collection}/points/count' -H 'Content-Type: application/json' -d '{\"exact\": true}'"
      - do: "Compare that exact count with the source's count: the Migration Tool prints the target count but verifies nothing"
      - do: "If a run failed and you give up on it, delete the _migration_offsets collection on the target (it is removed only after a successful run)"
    warnings:
      - "The Migration Tool needs 2× the source's RAM and disk on the target while it rebuilds the index"
      - "The Migration Tool speaks gRPC to Qdrant: use port 6334 in --qdrant.url (--source.url and --target.url for a Qdrant source)"
      - text: "Only Pinecone serverless indexes can be listed, so only they can be migrated"
        when: {fact: source, equals: pinecone}

  - id: snapshots
    title: Snapshots (qsnap backup, then qsnap restore)
    summary: Snapshot {collection} on the source into {repo}, then restore it on the target under a new name and switch the alias.
    properties:
      use_for: moving a collection between environments, self-hosted disaster recovery
      scope: collection or shard
      index_rebuild: none (segments are copied as they are)
      speed: fast (files are copied; no re-indexing)
      network_cost: one archive per collection (about the data size)
      source_load: low (one snapshot per node, mostly disk I/O)
      source_online: only while the snapshot is taken
      target_shape: same shard count
      target_version: same or newer (qsnap allows the same or the next minor)
      target_cloud: any
      disk_headroom: 2× the collection on the target
      ram_headroom: same as the source
      interruption: atomic restore (restore under a new name, then one alias switch)
    constraints:
      - {id: same-shard-count, label: Same shard count on the target, fact: target_shards, equals: {fact: source_shards}}
      - {id: target-not-older, label: Target version not older than the source, fact: target_version, gte: {fact: source_version}}
      - {id: at-most-next-minor, label: Target at most one minor version newer, fact: version_minor_gap, lte: 1, figures: [source_version, target_version]}
      - {id: disk-headroom, label: Disk headroom on the target (free ÷ data), fact: disk_headroom, gte: 2, figures: [free_disk, data_size]}
      - {id: ram-headroom, label: RAM headroom on the target (target ÷ source), fact: ram_headroom, gte: 1, figures: [ram, source_ram]}
    steps:
      - run: "qsnap backup --qdrant {from_url} --to {repo} --collection {collection}"
      - run: "qsnap check <backup-id> --repo {repo} --target {to_url}"
      - run: "qsnap restore <backup-id> --repo {repo} --target {to_url} --collection {collection} --as {collection}_restored --alias {alias}"
      - do: "Verify the restored collection (count, a few searches) before deleting anything; the old collection stays for rollback"
      - run: "qsnap alias switch {alias} --to {collection} --qdrant {to_url}"
        when: {fact: scenario, equals: revert-deploy}
    warnings:
      - "Aliases are not inside collection snapshots: qsnap records them in the manifest and restore --alias recreates them"
      - text: "Snapshots of a distributed cluster are taken per node (or per shard); qsnap backup discovers the peers itself"
        when: {fact: source_nodes, gt: 1}

  - id: cloud-backups
    title: Qdrant Cloud Backups
    summary: Restore a Qdrant Cloud backup of cluster {cloud_cluster_id} in place with qsnap cloud backup restore; the whole volume is cloned atomically.
    properties:
      use_for: full cluster failure, reverting a bad deploy
      scope: whole cluster volume
      index_rebuild: none
      speed: fastest (provider volume snapshot; incremental on AWS and GCP)
      network_cost: none beyond the provider's own storage traffic
      source_load: none at restore time (backups are taken on schedule)
      source_online: not needed; the cluster is unavailable while it is restored in place
      target_shape: same configuration and node count
      target_version: exactly the same (a restore in place reverts the version too)
      target_cloud: same provider and region
      disk_headroom: at least 1× the data
      ram_headroom: same as the source
      interruption: atomic clone
    constraints:
      - {id: same-provider-region, label: Same cloud provider and region, fact: same_provider_region, equals: true}
      - {id: exact-version, label: Exactly the same Qdrant version, fact: target_version, equals: {fact: source_version}}
      - {id: same-shard-count, label: Same shard count, fact: target_shards, equals: {fact: source_shards}}
      - {id: same-node-count, label: Same node count, fact: target_nodes, equals: {fact: source_nodes}}
      - {id: disk-headroom, label: Disk headroom (free ÷ data), fact: disk_headroom, gte: 1, figures: [free_disk, data_size]}
      - {id: ram-headroom, label: RAM headroom (target ÷ source), fact: ram_headroom, gte: 1, figures: [ram, source_ram]}
    steps:
      - do: "Set QDRANT_CLOUD_API_KEY to a Qdrant Cloud management key with read:backups, write:backups and restore:backups"
      - run: "qsnap cloud backup list --account-id {cloud_account_id} --cluster-id {cloud_cluster_id}"
      - do: "Pick the newest SUCCEEDED backup taken before the failure or the bad deploy; check that its Qdrant version and node count are the ones you want back (qsnap cloud backup get <backup-id> --account-id {cloud_account_id} --json)"
      - run: "qsnap cloud backup create --account-id {cloud_account_id} --cluster-id {cloud_cluster_id} --name before-restore --retention 7d"
      - do: "The backup just taken keeps the current state, so the restore can be undone (skip it when the cluster is down)"
      - run: "qsnap cloud backup restore <backup-id> --account-id {cloud_account_id} --cluster-id {cloud_cluster_id} --yes"
      - do: "To keep the current cluster serving, restore into a new cluster from the Qdrant Cloud console instead (Backups, Restore, new cluster), verify it, then move clients"
      - run: "curl -s -X POST '{to_url}/collections/{collection}/points/count' -H 'api-key: $QDRANT_API_KEY' -H 'Content-Type: application/json' -d '{\"exact\": true}'"
    warnings:
      - "A restore into the same cluster reverts CPU, memory, node count and the Qdrant version, and loses every change made after the backup"
      - "The cluster is unavailable while the backup is restored in place"

  - id: snapshot-then-migrate
    title: Snapshot now, then the Migration Tool from a staging copy
    summary: Take a qsnap snapshot of {collection} before the source goes offline, restore it on a staging Qdrant with the old shape, then run the Migration Tool from staging into the target at your own pace.
    properties:
      use_for: a shard-count change or a subset when the source cannot stay online for a long copy
      scope: one collection
      index_rebuild: none on staging; full rebuild on the target
      speed: a snapshot (fast) plus a Migration Tool run (slow) that no longer depends on the source
      network_cost: the archive once, then every point from staging to the target
      source_load: low (one snapshot)
      source_online: only while the snapshot is taken
      target_shape: any
      target_version: any (staging must run the source's version or the next minor)
      target_cloud: any
      disk_headroom: 2× on staging and 2× on the target
      ram_headroom: same as the source on staging, 2× on the target
      interruption: atomic restore on staging, checkpoint resume to the target
    constraints:
      - {id: disk-headroom, label: Disk headroom on the target (free ÷ data), fact: disk_headroom, gte: 2, figures: [free_disk, data_size]}
      - {id: ram-headroom, label: RAM headroom on the target (target ÷ source), fact: ram_headroom, gte: 2, figures: [ram, source_ram]}
    steps:
      - run: "qsnap backup --qdrant {from_url} --to {repo} --collection {collection}"
      - do: "Start a staging Qdrant at version {source_version} (not the target) with enough disk for 2× the collection"
      - run: "qsnap restore <backup-id> --repo {repo} --target <staging-url> --collection {collection}"
      - do: "Create the target collection {collection} with shard_number {target_shards} and the same vector size and distance"
        when: {fact: shard_count_changes, equals: true}
      - run: "docker run --net=host --rm -it registry.cloud.qdrant.io/library/qdrant-migration qdrant --source.url '<staging-grpc-url>' --source.collection '{collection}' --target.url '{to_url}' --target.api-key \"$TARGET_QDRANT_API_KEY\" --target.collection '{collection}' --migration.create-collection=false --migration.batch-size 256 --migration.num-workers 4"
      - run: "curl -s -X POST '{to_url}/collections/{collection}/points/count' -H 'Content-Type: application/json' -d '{\"exact\": true}'"
      - do: "Compare the count with the snapshot's manifest (qsnap show <backup-id>), then remove the staging Qdrant"
    warnings:
      - "Writes to the source after the snapshot are not in the target: stop writes before the snapshot or replay them"

rules:
  # Conflicts, resolved first (highest priority).
  - id: shard-change-while-source-goes-offline
    priority: 90
    when:
      all:
        - {fact: source, equals: qdrant}
        - {fact: shard_count_changes, equals: true}
        - {fact: source_goes_offline, equals: true}
    because: "The shard count changes ({source_shards} → {target_shards}), which snapshots cannot do, but the Migration Tool reads the source for the whole run and the source goes offline: snapshot now, then migrate from a staging copy"
    recommend: snapshot-then-migrate

  - id: subset-while-source-goes-offline
    priority: 85
    when:
      all:
        - {fact: source, equals: qdrant}
        - {fact: filtered_subset, equals: true}
        - {fact: source_goes_offline, equals: true}
    because: "Only a subset must move, which needs a streaming copy, but the source goes offline: snapshot now, then migrate from a staging copy"
    recommend: snapshot-then-migrate

  - id: version-gap-while-source-goes-offline
    priority: 88
    when:
      all:
        - {fact: source, equals: qdrant}
        - {fact: source_goes_offline, equals: true}
        - any:
            - {fact: version_minor_gap, gt: 1}
            - {fact: target_version, lt: {fact: source_version}}
    because: "The target version ({target_version}) is out of a snapshot's reach from {source_version}, which needs the Migration Tool, but the source goes offline: snapshot now, restore on a staging Qdrant at {source_version}, then migrate"
    recommend: snapshot-then-migrate

  - id: source-offline-stops-streaming
    priority: 80
    when:
      all:
        - {fact: source, equals: qdrant}
        - {fact: source_goes_offline, equals: true}
    because: "The Migration Tool streams from the source until the last batch and resumes only with the source back; the source goes offline"
    exclude: [migration-tool]

  - id: cloud-recovery
    priority: 70
    when:
      all:
        - {fact: scenario, in: [cluster-failure, revert-deploy]}
        - {fact: source_env, in: [cloud, hybrid-cloud]}
    because: "A {scenario} on Qdrant {source_env} within the same provider, region, version and shape is what Cloud Backups are for: an atomic clone of the whole volume"
    recommend: cloud-backups

  - id: filtered-subset
    priority: 65
    when: {fact: filtered_subset, equals: true}
    because: "Only a filtered subset must move; snapshots and Cloud Backups copy whole collections or volumes"
    recommend: migration-tool
    exclude: [snapshots, cloud-backups]

  - id: shard-count-change
    priority: 60
    when: {fact: shard_count_changes, equals: true}
    because: "The shard count changes ({source_shards} → {target_shards}); snapshots and Cloud Backups need the same shape, the Migration Tool does not"
    recommend: migration-tool
    exclude: [snapshots, cloud-backups]

  - id: version-gap-too-large
    priority: 55
    when:
      all:
        - {fact: source, equals: qdrant}
        - any:
            - {fact: version_minor_gap, gt: 1}
            - {fact: target_version, lt: {fact: source_version}}
    because: "The target runs {target_version} and the source {source_version}: snapshots restore only on the same or the next minor version, the Migration Tool on any"
    recommend: migration-tool
    exclude: [snapshots]

  - id: other-engine
    priority: 50
    when: {fact: source, not_equals: qdrant}
    because: "The data is in {source}, not Qdrant: only the Migration Tool reads other engines"
    recommend: migration-tool
    exclude: [snapshots, cloud-backups]

  - id: qdrant-between-environments
    priority: 40
    when:
      all:
        - {fact: source, equals: qdrant}
        - {fact: scenario, equals: move}
    because: "Qdrant to Qdrant ({source_env} → {target_env}): snapshots copy segments without re-indexing, given the same shard count and a compatible version (see Constraints)"
    recommend: snapshots

  - id: self-hosted-recovery
    priority: 30
    when:
      all:
        - {fact: scenario, in: [cluster-failure, revert-deploy]}
        - any:
            - {fact: source, equals: qdrant}
            - {fact: source, known: false}
    because: "Recovering a Qdrant cluster ({scenario}) from qsnap snapshots works anywhere; it is the way when Cloud Backups do not apply"
    recommend: snapshots

  # Exclusions: a method whose hard requirement is not met.
  - id: cloud-backups-only-on-cloud
    priority: 20
    when: {fact: source_env, not_in: [cloud, hybrid-cloud]}
    because: "Cloud Backups exist only for clusters on Qdrant Cloud (or Hybrid Cloud); the source is {source_env}"
    exclude: [cloud-backups]

  - id: cloud-backups-need-same-region
    priority: 20
    when: {fact: same_provider_region, equals: false}
    because: "Cloud Backups restore only within the same cloud provider and region"
    exclude: [cloud-backups]

  - id: cloud-backups-need-exact-version
    priority: 20
    when: {fact: version_exact, equals: false}
    because: "Cloud Backups restore onto exactly the same Qdrant version; source {source_version}, target {target_version}"
    exclude: [cloud-backups]

  - id: cloud-backups-need-same-shape
    priority: 20
    when:
      any:
        - {fact: shard_count_changes, equals: true}
        - {fact: node_count_changes, equals: true}
    because: "Cloud Backups restore the same configuration and node count"
    exclude: [cloud-backups]

  - id: snapshots-need-same-shard-count
    priority: 20
    when: {fact: shard_count_changes, equals: true}
    because: "A snapshot restores only into the same shard count (Qdrant refuses a different shard_number)"
    exclude: [snapshots]

  # Warnings and tips, after the decision.
  - id: other-engine-source-offline
    priority: 10
    when:
      all:
        - {fact: decision, equals: migration-tool}
        - {fact: source, not_equals: qdrant}
        - {fact: source_goes_offline, equals: true}
    because: "The Migration Tool reads {source} until the last batch"
    warn: "Keep {source} online until the Migration Tool run has finished and the counts match; plan the shutdown after that"

  - id: source-serving-during-migration
    priority: 10
    when:
      all:
        - {fact: decision, in: [migration-tool, snapshot-then-migrate]}
        - {fact: source_must_stay_online, equals: true}
    because: "The source keeps serving traffic while it is read"
    tips: "Limit the load on the serving source with --migration.batch-delay (milliseconds between batches) and fewer workers"

  - id: cloud-restore-keeps-serving
    priority: 10
    when:
      all:
        - {fact: decision, equals: cloud-backups}
        - {fact: source_must_stay_online, equals: true}
    because: "The cluster must stay online, but a restore in place makes it unavailable"
    warn: "Restore into a new cluster (Qdrant Cloud console), verify it, then switch clients: a restore in place takes the cluster offline"

  - id: subset-has-no-filter
    priority: 10
    when:
      all:
        - {fact: decision, equals: migration-tool}
        - {fact: filtered_subset, equals: true}
        - {fact: source, equals: qdrant}
    because: "Qdrant's options page promises a filtered subset, but the Migration Tool's qdrant subcommand has no point filter"
    warn: "The Migration Tool copies the whole collection (its qdrant subcommand has no filter): migrate, then delete the points outside the subset on the target with POST /collections/{collection}/points/delete and a filter"

  - id: cloud-to-self-hosted-note
    priority: 10
    when:
      all:
        - {fact: decision, equals: snapshots}
        - {fact: target_env, equals: cloud}
    because: "Qdrant Cloud blocks snapshot recovery from outside URLs"
    tips: "Qdrant Cloud does not fetch snapshots from outside URLs: qsnap restore uploads the snapshot instead"
"""#
        ),
    ]
}
