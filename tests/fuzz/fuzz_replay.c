/* Replays fuzz_api's corpus without libFuzzer, so make check runs the
 * harness and its model on every committed input (gcc, normal build).
 * Reads every file of the directories given, or of $srcdir/tests/fuzz/corpus. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL)
        return 0;
    static uint8_t data[1 << 16];
    size_t size = fread(data, 1, sizeof data, file);
    fclose(file);
    LLVMFuzzerTestOneInput(data, size); /* aborts on a model mismatch */
    return 1;
}

static int replay_directory(const char *directory)
{
    DIR *dir = opendir(directory);
    if (dir == NULL) {
        fprintf(stderr, "fuzz_replay: cannot open %s\n", directory);
        exit(1);
    }
    int count = 0;
    struct dirent *entry;
    char path[4096];
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", directory, entry->d_name);
        count += replay_file(path);
    }
    closedir(dir);
    return count;
}

int main(int argc, char **argv)
{
    int count = 0;
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            count += replay_directory(argv[i]);
    } else {
        const char *srcdir = getenv("srcdir");
        char path[4096];
        snprintf(path, sizeof path, "%s/tests/fuzz/corpus", srcdir != NULL ? srcdir : ".");
        count = replay_directory(path);
    }
    if (count == 0) {
        fprintf(stderr, "fuzz_replay: no inputs\n");
        return 1;
    }
    printf("fuzz_replay: %d inputs, every one consistent with the model\n", count);
    return 0;
}
