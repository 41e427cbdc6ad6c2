// libcurl for SMTP (notification email). curl_easy_setopt is variadic, which Swift cannot
// call: these inline wrappers give each argument type its own function.
#include <curl/curl.h>

typedef size_t (*dingsync_curl_read_callback)(char *buffer, size_t size, size_t nitems, void *userdata);

static inline CURLcode dingsync_curl_global_init(void) { return curl_global_init(CURL_GLOBAL_ALL); }

static inline CURLcode dingsync_curl_set_string(CURL *curl, CURLoption option, const char *value) {
    return curl_easy_setopt(curl, option, value);
}

static inline CURLcode dingsync_curl_set_long(CURL *curl, CURLoption option, long value) {
    return curl_easy_setopt(curl, option, value);
}

static inline CURLcode dingsync_curl_set_pointer(CURL *curl, CURLoption option, void *value) {
    return curl_easy_setopt(curl, option, value);
}

static inline CURLcode dingsync_curl_set_list(CURL *curl, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(curl, option, value);
}

static inline CURLcode dingsync_curl_set_read_callback(CURL *curl, dingsync_curl_read_callback callback) {
    return curl_easy_setopt(curl, CURLOPT_READFUNCTION, callback);
}

static inline long dingsync_curl_use_ssl_all(void) { return (long)CURLUSESSL_ALL; }
static inline long dingsync_curl_use_ssl_none(void) { return (long)CURLUSESSL_NONE; }
static inline size_t dingsync_curl_error_size(void) { return CURL_ERROR_SIZE; }
