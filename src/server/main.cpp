// main.cpp - placeholder until the server lands.
int main() { return 0; }
