// The machine is small and every fixture runs a silo: one test collection at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
