# Compile options applied to every target built from our own sources.
function(nncf_target_options target)
  target_compile_features(${target} PRIVATE cxx_std_17)
  if(NNCF_WERROR)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra)
  endif()
  if(NNCF_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${NNCF_SANITIZE} -fno-omit-frame-pointer
                                             -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=${NNCF_SANITIZE})
  endif()
endfunction()
