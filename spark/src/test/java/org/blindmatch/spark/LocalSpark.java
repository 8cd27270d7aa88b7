package org.blindmatch.spark;

import org.apache.spark.sql.SparkSession;

/** The tests' Spark session: local mode on 2 cores, no UI; shared by all test classes. */
public final class LocalSpark {
  private LocalSpark() {}

  public static synchronized SparkSession session() {
    return SparkSession.builder().master("local[2]").appName("blindmatch-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.files.maxPartitionBytes", "131072")
        .getOrCreate();
  }
}
