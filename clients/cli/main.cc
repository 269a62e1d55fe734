// `dossier`: the command-line client. Everything happens in cli::Run.
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "clients/cli/cli.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  dossier::cli::Io io;
  io.in = &std::cin;
  io.out = &std::cout;
  io.err = &std::cerr;
  io.terminal = dossier::cli::DetectTerminal();
  io.env = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
  int code = dossier::cli::Run(std::vector<std::string>(argv + 1, argv + argc), io);
  std::cout.flush();
  return code;
}
